"""``kube-devops analyze``: governance scores for the cluster, or offline for files (``--file``).

Offline, every file (``-`` for stdin) may hold YAML or JSON documents: Pods, Deployments,
StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs (templates evaluated as pods), Lists of
them and DevOpsPolicies (applied to their namespace). A bad file or document gets one line on
stderr naming file, object and field; the rest is still analysed, and the exit code is 2.
``--min-score N`` exits 3 when the cluster score is below N.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Iterator

from kube_devops.cli.analyze_output import render
from kube_devops.cli.analyze_sources import cluster_documents, file_documents
from kube_devops.cli.common import (
    EXIT_BELOW_MIN_SCORE,
    EXIT_FAILURE,
    EXIT_USAGE,
    CliError,
    add_cluster_flags,
)
from kube_devops.core.analysis import Analysis, analyze_documents
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import KubeError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``analyze``."""
    parser = subparsers.add_parser(
        "analyze",
        help="score workloads in the cluster, or offline in files (--file)",
        description="Governance scores for the cluster, or offline for YAML/JSON files (--file). "
        "Exit codes: 0 ok, 2 bad input (the rest is still analysed), 3 below --min-score.",
    )
    add_cluster_flags(parser)
    parser.add_argument(
        "-f", "--file", nargs="+", metavar="PATH", default=None,
        help="analyse these YAML/JSON files instead of the cluster ('-' reads stdin)",
    )  # fmt: skip
    parser.add_argument("-o", "--output", choices=("table", "json", "yaml"), default="table")
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


def run(args: argparse.Namespace) -> int:
    """Analyse, print the report, and choose the exit code."""
    namespaces = _system_namespaces(args.system_namespaces)
    now = time.time()
    errors: list[str] = []
    if args.file:
        docs: Iterator[tuple[str, object]] = file_documents(args.file, errors, sys.stdin)
    else:
        cfg = ClusterConfig(kubeconfig=args.kubeconfig, context=args.context)
        try:
            docs = iter(asyncio.run(cluster_documents(cfg)))
        except KubeError as err:
            raise CliError(f"analyze: {err}", EXIT_FAILURE) from err
    analysis = analyze_documents(
        docs, now=now, namespaces=namespaces, use_policies=not args.ignore_policies
    )
    analysis.errors[:0] = errors
    _print_problems(analysis)
    print(render(analysis, args.output), end="")
    if analysis.errors:
        return EXIT_USAGE
    if args.min_score is not None and analysis.summary.cluster.score < args.min_score:
        score = analysis.summary.cluster.score
        print(
            f"kube-devops: cluster score {score} is below --min-score {args.min_score}",
            file=sys.stderr,
        )
        return EXIT_BELOW_MIN_SCORE
    return 0


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
