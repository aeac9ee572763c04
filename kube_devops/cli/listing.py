"""``kube-devops list pods``: every pod as a table (or JSON), sorted by namespace and name."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from kube_devops.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError, add_cluster_flags
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import ConfigError, KubeError
from kube_devops.kube.resources import PODS

SUPPORTED = ("pods",)
_COLUMNS = (("NAMESPACE", 20), ("NAME", 60), ("STATUS", 12), ("NODE", 15))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``list`` verb."""
    parser = subparsers.add_parser("list", help="list cluster resources (pods)")
    parser.add_argument("resource", help="what to list: pods")
    parser.add_argument("-n", "--namespace", default=None, help="one namespace (default: all)")
    parser.add_argument(
        "-o",
        "--output",
        choices=("table", "json"),
        default="table",
        help="output format (default: %(default)s)",
    )
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.resource not in SUPPORTED:
        raise CliError(
            f"unsupported resource {args.resource!r}; supported: {', '.join(SUPPORTED)}",
            EXIT_USAGE,
        )
    try:
        client = KubeClient.from_config(ClusterConfig(args.kubeconfig, args.context))
    except ConfigError as err:
        raise CliError(str(err), EXIT_FAILURE) from None
    try:
        answer = asyncio.run(client.list_all(PODS, args.namespace))
    except KubeError as err:
        raise CliError(f"cannot list pods: {err}", EXIT_FAILURE) from None
    finally:
        client.close()
    rows = sorted(_row(pod) for pod in answer.get("items") or [])
    if args.output == "json":
        keys = [name.lower() for name, _ in _COLUMNS]
        print(json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=2))
    else:
        print(render_table(rows))
    return EXIT_OK


def _row(pod: dict[str, Any]) -> tuple[str, str, str, str]:
    meta, spec, status = (pod.get(k) or {} for k in ("metadata", "spec", "status"))
    return (
        str(meta.get("namespace") or ""),
        str(meta.get("name") or ""),
        str(status.get("phase") or "Unknown"),
        str(spec.get("nodeName") or "Not Scheduled"),
    )


def render_table(rows: list[tuple[str, str, str, str]]) -> str:
    """Left-aligned columns, a rule, the rows and a total line."""
    header = "".join(f"{name:<{width}}" for name, width in _COLUMNS).rstrip()
    rule = "-" * sum(width for _, width in _COLUMNS)
    lines = [header, rule]
    lines += [
        "".join(f"{v:<{w}}" for v, (_, w) in zip(row, _COLUMNS, strict=True)).rstrip()
        for row in rows
    ]
    lines.append(f"Total: {len(rows)} pods")
    return "\n".join(lines)
