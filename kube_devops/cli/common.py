"""Helpers shared by the command modules: verb parsers with examples, flags, exit codes, errors.

The flags every component takes are declared here once: ``add_server_flags`` (``--port``,
``--host``), ``add_log_level_flag``, ``add_cluster_flags`` and, for the components that elect a
leader (watch, reconcile), ``add_lease_flags`` (``--lease-name``, ``--lease-namespace``,
``--lease-duration``, ``--identity``, ``--no-leader-election``). ``cluster_settings(args, base)``
and ``lease_settings(args, base)`` turn them into the runtime's settings branches.

Kept light (argparse and constants only): every command module imports it while the parser is
built, also for ``--help`` and ``--version``.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias

from kube_devops.core.catalog import (
    LEASE_NAMES,
    LEASE_SECONDS,
    READINESS_GRACE_SECONDS,
    Component,
)
from kube_devops.manifests.labels import DEFAULT_NAMESPACE

if TYPE_CHECKING:
    from kube_devops.runtime.settings import ClusterSettings, LeaseSettings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_BELOW_MIN_SCORE = 3

#: Exit codes of a verb that only prints (usage errors come from the flags).
PRINT_EXIT_CODES: Mapping[int, str] = {EXIT_OK: "printed", EXIT_USAGE: "bad flag or input"}
#: Exit codes of a verb that talks to the cluster.
CLUSTER_EXIT_CODES: Mapping[int, str] = {
    EXIT_OK: "done",
    EXIT_FAILURE: "the cluster cannot be reached or refused the request",
    EXIT_USAGE: "bad flag or input",
}
#: Exit codes of a long-running component.
SERVER_EXIT_CODES: Mapping[int, str] = {
    EXIT_OK: "stopped cleanly (SIGTERM or Ctrl-C)",
    EXIT_FAILURE: "could not start (configuration, cluster or port)",
    EXIT_USAGE: "bad flag",
}


class CliError(Exception):
    """An error the user can act on; printed as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: What ``add_subparsers`` returns (a string: the class is not subscriptable at run time).
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_verb(
    subparsers: SubParsers,
    name: str,
    *,
    help: str,
    examples: Sequence[str],
    exit_codes: Mapping[int, str],
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A verb's parser whose ``--help`` ends with its examples and exit codes."""
    return subparsers.add_parser(
        name,
        help=help,
        description=description or help[0].upper() + help[1:] + ".",
        epilog=epilog(examples, exit_codes),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_group(
    subparsers: SubParsers, name: str, *, help: str, dest: str, examples: Sequence[str]
) -> SubParsers:
    """A verb with sub-verbs (``crd generate``); returns the sub-verbs' ``add_parser`` holder."""
    codes = {EXIT_USAGE: f"no VERB or a bad flag; each verb's codes: kube-devops {name} VERB -h"}
    group = subparsers.add_parser(
        name,
        help=help,
        description=help[0].upper() + help[1:] + ".",
        epilog=epilog(examples, codes),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return group.add_subparsers(dest=dest, metavar="VERB", required=True)


def epilog(examples: Sequence[str], exit_codes: Mapping[int, str]) -> str:
    """The ``examples:`` and ``exit codes:`` sections of a ``--help``."""
    lines = ["examples:", *(f"  {example}" for example in examples), "", "exit codes:"]
    width = max(len(str(code)) for code in exit_codes)
    lines += [f"  {code:<{width}}  {meaning}" for code, meaning in sorted(exit_codes.items())]
    return "\n".join(lines)


def add_cluster_flags(parser: argparse.ArgumentParser) -> None:
    """``--kubeconfig`` and ``--context``, taken by every cluster-facing command.

    With neither, the adapter honours ``KUBECONFIG`` and then the in-cluster configuration.
    """
    parser.add_argument(
        "--kubeconfig", metavar="PATH", default=None, help="kubeconfig file (default: $KUBECONFIG)"
    )
    parser.add_argument("--context", metavar="NAME", default=None, help="kubeconfig context")


def add_lease_namespace_flag(parser: argparse.ArgumentParser) -> None:
    """``--lease-namespace``: where the leader-election Leases live (the components' namespace)."""
    parser.add_argument(
        "--lease-namespace",
        default=DEFAULT_NAMESPACE,
        help="namespace of the leader-election Lease (default: %(default)s)",
    )


def port_number(text: str) -> int:
    """``--port`` values: 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; use 0-65535 (0 = any free)")
    return int(text)


def positive_seconds(text: str) -> float:
    """Durations in seconds: any number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds, e.g. 30")
    return value


def add_server_flags(parser: argparse.ArgumentParser, default_port: int) -> None:
    """``--port`` and ``--host`` of a component's HTTP server (probes and ``/metrics``)."""
    parser.add_argument(
        "--port",
        type=port_number,
        default=default_port,
        help="port of /metrics and the probes, 0 = any free (default: %(default)s)",
    )
    parser.add_argument(
        "--host", default="0.0.0.0", help="interface to listen on (default: %(default)s)"
    )


def add_lease_flags(parser: argparse.ArgumentParser, component: Component) -> None:
    """Leader-election flags of ``component``, whose Lease is ``LEASE_NAMES[component]``."""
    add_lease_namespace_flag(parser)
    parser.add_argument(
        "--lease-name",
        default=LEASE_NAMES[component],
        help="name of the leader-election Lease (default: %(default)s)",
    )
    parser.add_argument(
        "--lease-duration",
        type=positive_seconds,
        default=LEASE_SECONDS,
        help="lease validity in seconds (default: %(default)g)",
    )
    parser.add_argument(
        "--identity", default=None, help="holder identity (default: host-pid-random, unique)"
    )
    parser.add_argument(
        "--no-leader-election",
        action="store_true",
        help="act as the leader without a Lease (single replica only)",
    )


def lease_settings(args: argparse.Namespace, base: LeaseSettings) -> LeaseSettings:
    """``base`` with the values of the flags of ``add_lease_flags``."""
    return dataclasses.replace(
        base,
        enabled=not args.no_leader_election,
        name=args.lease_name,
        namespace=args.lease_namespace,
        identity=args.identity,
        duration=args.lease_duration,
    )


def add_readiness_flag(parser: argparse.ArgumentParser) -> None:
    """``--readiness-grace`` of a component whose ``/readyz`` follows the API server."""
    parser.add_argument(
        "--readiness-grace",
        type=positive_seconds,
        default=READINESS_GRACE_SECONDS,
        help="seconds the API server may go unanswered before /readyz turns 503 "
        "(default: %(default)g)",
    )


def add_log_level_flag(parser: argparse.ArgumentParser) -> None:
    """``--log-level`` of a long-running component (JSON lines on stderr)."""
    parser.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        metavar="LEVEL",
        help="DEBUG, INFO, WARNING or ERROR (default: %(default)s)",
    )


def cluster_settings(args: argparse.Namespace, base: ClusterSettings) -> ClusterSettings:
    """``base`` with the values of the flags of ``add_cluster_flags``."""
    return dataclasses.replace(base, kubeconfig=args.kubeconfig, context=args.context)
