"""``kube-devops analyze``: governance scores for the cluster, or offline for files (``--file``).

Offline, every file (``-`` for stdin; a directory is searched for .yaml/.yml/.json files) may
hold YAML or JSON documents: Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
CronJobs (templates evaluated as pods), Lists of them and DevOpsPolicies (applied to their
namespace); they are read one at a time. A bad file or document gets one line on stderr naming
file, object and field; the rest is still analysed, and the exit code is 2. No input, no score:
when no pod is scored (empty or missing files, no pod in the namespace) there is one error line,
no report, and exit code 2. ``--min-score N`` exits 3 when the cluster score is below N.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kube_devops.cli.common import (
    EXIT_BELOW_MIN_SCORE,
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    SubParsers,
    add_cluster_flags,
    add_verb,
)
from kube_devops.cli.output import add_output_flag
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces

if TYPE_CHECKING:
    from kube_devops.core.analysis import Analysis

_EXAMPLES = (
    "kube-devops analyze -f kube-tests/sample-workloads.yaml       # offline, like polaris audit",
    "kubectl get deploy -A -o yaml | kube-devops analyze -f -       # from stdin",
    "kube-devops analyze -n production -o json                      # live, one namespace",
    "kube-devops analyze -A --min-score 80                          # live; exit 3 below 80",
)
_EXIT_CODES = {
    EXIT_OK: "analysed",
    EXIT_FAILURE: "the cluster cannot be reached",
    EXIT_USAGE: "bad flag or input, named on stderr (the rest is still analysed); "
    "no pod to score: no report",
    EXIT_BELOW_MIN_SCORE: "the cluster score is below --min-score",
}


def register(subparsers: SubParsers) -> None:
    """Add ``analyze``."""
    parser = add_verb(
        subparsers,
        "analyze",
        help="score workloads in the cluster, or offline in files (--file)",
        description="Governance scores for the cluster, or offline for YAML/JSON files (--file).\n"
        "System namespaces are not scored; the report says which were excluded and why.",
        examples=_EXAMPLES,
        exit_codes=_EXIT_CODES,
    )
    add_cluster_flags(parser)
    add_namespace_flags(parser)
    parser.add_argument(
        "-f", "--file", nargs="+", metavar="PATH", default=None,
        help="analyse these YAML/JSON files instead of the cluster ('-' reads stdin; a "
        "directory is searched for .yaml, .yml and .json files)",
    )  # fmt: skip
    add_output_flag(parser)
    parser.add_argument(
        "--min-score", type=int, metavar="N", default=None,
        help="exit 3 when the cluster score is below N",
    )  # fmt: skip
    parser.add_argument(
        "--system-namespaces", metavar="PATTERNS", default=None,
        help="comma-separated system namespaces, excluded from scoring: 'kube-*,*-system,argocd' "
        f"(default: {','.join(DEFAULT_SYSTEM_NAMESPACES.patterns())})",
    )  # fmt: skip
    parser.add_argument(
        "--ignore-policies", action="store_true",
        help="score with the default checks even where a DevOpsPolicy exists",
    )  # fmt: skip
    parser.set_defaults(func=run)


def add_namespace_flags(parser: argparse.ArgumentParser) -> None:
    """``-n/--namespace`` (one namespace) or ``-A/--all-namespaces`` (the default), as kubectl."""
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "-n", "--namespace", metavar="NS", default=None,
        help="only this namespace (default: all namespaces)",
    )  # fmt: skip
    scope.add_argument(
        "-A", "--all-namespaces", action="store_true", help="every namespace (the default)"
    )


def run(args: argparse.Namespace) -> int:
    """Analyse, print the report, and choose the exit code (no input, no score: exit 2)."""
    from kube_devops.cli.analyze_output import render
    from kube_devops.cli.analyze_scope import Tally, flattened, in_scope
    from kube_devops.core.analysis import analyze_documents

    rules = _system_namespaces(args.system_namespaces)
    errors: list[str] = []
    tally = Tally()
    docs = (d for d in flattened(_documents(args, errors)) if in_scope(d[1], args.namespace))
    analysis = analyze_documents(
        tally.track(docs), now=time.time(), namespaces=rules, use_policies=not args.ignore_policies
    )
    analysis.errors[:0] = errors
    _print_problems(analysis)
    if analysis.summary.cluster.pods == 0:
        if not analysis.errors:
            line = tally.nothing_to_score(analysis, _source(args), args.namespace)
            print(f"kube-devops: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    print(render(analysis, args.output, tally.excluded(rules)), end="")
    return EXIT_USAGE if analysis.errors else _score_verdict(analysis, args.min_score)


def _score_verdict(analysis: Analysis, min_score: int | None) -> int:
    score = analysis.summary.cluster.score
    if min_score is not None and score < min_score:
        line = f"kube-devops: cluster score {score} is below --min-score {min_score}"
        print(line, file=sys.stderr)
        return EXIT_BELOW_MIN_SCORE
    return EXIT_OK


def _documents(args: argparse.Namespace, errors: list[str]) -> Iterator[tuple[str, object]]:
    from kube_devops.cli.analyze_sources import cluster_documents, file_documents

    if args.file:
        return file_documents(args.file, errors, sys.stdin)
    import asyncio

    from kube_devops.kube.config import ClusterConfig
    from kube_devops.kube.errors import KubeError

    cfg = ClusterConfig(kubeconfig=args.kubeconfig, context=args.context)
    try:
        return iter(asyncio.run(cluster_documents(cfg, args.namespace)))
    except KubeError as err:
        raise CliError(f"analyze: {err}", EXIT_FAILURE) from err


def _source(args: argparse.Namespace) -> str:
    """The input as the error lines name it."""
    if not args.file:
        from kube_devops.cli.analyze_scope import CLUSTER

        return CLUSTER
    return ", ".join("<stdin>" if path == "-" else path for path in args.file)


def _system_namespaces(text: str | None) -> SystemNamespaces:
    if text is None:
        return DEFAULT_SYSTEM_NAMESPACES
    try:
        return SystemNamespaces.parse(p for p in text.split(",") if p.strip())
    except ValueError as err:
        raise CliError(f"--system-namespaces: {err}") from err


def _print_problems(analysis: Analysis) -> None:
    for line in analysis.errors:
        print(f"kube-devops: error: {line}", file=sys.stderr)
    for line in analysis.warnings:
        print(f"kube-devops: warning: {line}", file=sys.stderr)
