"""``kube-devops list pods``: pods as a table, JSON or YAML, sorted by namespace and name.

Like ``kubectl get pods``: ``-n NS`` lists one namespace, ``-A`` (the default) all of them; the
table drops the NAMESPACE column when one namespace is listed.
"""

from __future__ import annotations

import argparse
from typing import Any

from kube_devops.cli.common import (
    CLUSTER_EXIT_CODES,
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    SubParsers,
    add_cluster_flags,
    add_verb,
)
from kube_devops.cli.output import add_output_flag, dump, table

SUPPORTED = ("pods",)
_KEYS = ("namespace", "name", "status", "node")
_EXAMPLES = (
    "kube-devops list pods                       # every namespace",
    "kube-devops list pods -n production -o json",
    "kube-devops list pods -A -o yaml --kubeconfig ~/.kube/config",
)

Row = tuple[str, str, str, str]


def register(subparsers: SubParsers) -> None:
    """Add the ``list`` verb."""
    parser = add_verb(
        subparsers,
        "list",
        help="list cluster resources (pods)",
        examples=_EXAMPLES,
        exit_codes=CLUSTER_EXIT_CODES,
    )
    parser.add_argument("resource", help="what to list: pods")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", default=None, help="one namespace (default: all)")
    scope.add_argument(
        "-A", "--all-namespaces", action="store_true", help="every namespace (the default)"
    )
    add_output_flag(parser)
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.resource not in SUPPORTED:
        raise CliError(
            f"unsupported resource {args.resource!r}; supported: {', '.join(SUPPORTED)}",
            EXIT_USAGE,
        )
    rows = sorted(_row(pod) for pod in _pods(args))
    if args.output == "table":
        print(render_table(rows, all_namespaces=args.namespace is None), end="")
    else:
        print(dump([dict(zip(_KEYS, row, strict=True)) for row in rows], args.output), end="")
    return EXIT_OK


def _pods(args: argparse.Namespace) -> list[dict[str, Any]]:
    import asyncio

    from kube_devops.kube.client import KubeClient
    from kube_devops.kube.config import ClusterConfig
    from kube_devops.kube.errors import ConfigError, KubeError
    from kube_devops.kube.resources import PODS

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
    return list(answer.get("items") or [])


def _row(pod: dict[str, Any]) -> Row:
    meta, spec, status = (pod.get(k) or {} for k in ("metadata", "spec", "status"))
    return (
        str(meta.get("namespace") or ""),
        str(meta.get("name") or ""),
        str(status.get("phase") or "Unknown"),
        str(spec.get("nodeName") or "Not Scheduled"),
    )


def render_table(rows: list[Row], *, all_namespaces: bool = True, width: int | None = None) -> str:
    """Aligned columns (NAMESPACE only for all namespaces), then a total line."""
    header = [key.upper() for key in _KEYS]
    cells = [list(row) for row in rows]
    if not all_namespaces:
        header, cells = header[1:], [row[1:] for row in cells]
    if not cells:
        return "No pods found.\n"
    return table([header, *cells], width) + f"Total: {len(rows)} pods\n"
