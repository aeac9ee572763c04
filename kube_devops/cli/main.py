"""``kube-devops`` entry point: builds the argument parser from the command modules.

Every module in this package that defines ``register(subparsers)`` contributes its verbs; each
verb sets ``func`` (``(args) -> int``) as its parser default. Only the CLI reads flags and the
environment.

Building the parser imports every verb module, so ``--help`` and ``--version`` stay fast only
while those modules import nothing heavy at the top: a verb imports the kubernetes client, the
components, aiohttp or pandas inside the function that runs it (see
``benchmarks/bench_cli_startup.py``). Helper modules that register nothing are not imported.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import kube_devops
from kube_devops import cli
from kube_devops.cli.common import (
    EXIT_BELOW_MIN_SCORE,
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    epilog,
)

_EXAMPLES = (
    "kube-devops analyze -f kube-tests/sample-workloads.yaml   # score manifests offline",
    "kube-devops sandbox --state-file sandbox.json             # the whole stack on loopback",
    "kube-devops verify --state-file sandbox.json              # prove every dashboard query",
    "kube-devops COMMAND --help                                # each command's examples",
)
_EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_FAILURE: "the command failed (cluster unreachable, a check or panel failed, ...)",
    EXIT_USAGE: "bad flag or input",
    EXIT_BELOW_MIN_SCORE: "analyze: the cluster score is below --min-score",
    130: "interrupted (Ctrl-C)",
}

#: Modules of this package that register no verb (imported only when a verb needs them).
_HELPERS = frozenset(
    {
        "main",
        "common",
        "output",
        "analyze_output",
        "analyze_sources",
        "analyze_items",
        "analyze_json",
        "analyze_scope",
        "analyze_stream",
        "check_access",
        "check_outcome",
    }
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command module registered in name order."""
    parser = argparse.ArgumentParser(
        prog="kube-devops",
        description="Kubernetes governance and observability toolkit.",
        epilog=epilog(_EXAMPLES, _EXIT_CODES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version_line())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    version = subparsers.add_parser("version", help="print the kube-devops version")
    version.set_defaults(func=_print_version)
    for info in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        if info.name in _HELPERS:
            continue
        module = importlib.import_module(f"{cli.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = func(args)
    except CliError as err:
        print(f"kube-devops: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    return code


def _version_line() -> str:
    return f"kube-devops version {kube_devops.__version__}"


def _print_version(_args: argparse.Namespace) -> int:
    print(_version_line())
    return 0
