"""``kube-devops verify``: prove every dashboard query returns data, and say why when not."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kube_devops.cli.common import EXIT_FAILURE, EXIT_OK, CliError, add_cluster_flags
from kube_devops.core.catalog import Component
from kube_devops.core.promql import parse_duration


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` verb."""
    parser = subparsers.add_parser(
        "verify", help="check every dashboard query against Prometheus and diagnose empty ones"
    )
    parser.add_argument("--prometheus-url", metavar="URL", help="Prometheus base URL")
    parser.add_argument(
        "--state-file", type=Path, metavar="PATH",
        help="sandbox state file (gives the Prometheus URL and component endpoints)",
    )  # fmt: skip
    parser.add_argument(
        "--dashboard", type=Path, metavar="FILE",
        help="Grafana dashboard JSON or ConfigMap YAML (default: the shipped dashboard)",
    )  # fmt: skip
    parser.add_argument("--range", default="10m", help="range of the range queries (default 10m)")
    parser.add_argument(
        "--endpoint", action="append", default=[], metavar="COMPONENT=URL",
        help="scrape this component's /metrics live and compare it with the catalog (repeatable)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument(
        "--deploy", action="store_true", help="server-side apply the manifests first"
    )
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def _endpoints(args: argparse.Namespace) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in args.endpoint:
        name, sep, url = item.partition("=")
        if not sep or name not in {c.value for c in Component}:
            raise CliError(
                f"--endpoint {item!r} must be COMPONENT=URL, e.g. watch=http://host:8080"
            )
        found[name] = url
    return found


def _read_state(path: Path) -> tuple[str, dict[str, str]]:
    """Prometheus URL and endpoints from a ``kube-devops sandbox --state-file`` file."""
    try:
        state = json.loads(path.read_text())
        url, endpoints = state["prometheus_url"], state.get("endpoints") or {}
        if not isinstance(url, str) or not isinstance(endpoints, dict):
            raise TypeError("wrong types")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CliError(
            f"--state-file {path}: not a sandbox state file ({type(err).__name__}: {err}); "
            "expected JSON with prometheus_url and endpoints as `kube-devops sandbox` writes it"
        ) from None
    return url, {str(k): str(v) for k, v in endpoints.items()}


def _run(args: argparse.Namespace) -> int:
    from kube_devops.verify.client import QueryError
    from kube_devops.verify.dashboard import DashboardError
    from kube_devops.verify.run import VerifySettings, verify

    url, endpoints = args.prometheus_url, _endpoints(args)
    if args.state_file:
        state_url, state_endpoints = _read_state(args.state_file)
        url = url or state_url
        endpoints = {**state_endpoints, **endpoints}
    if not url:
        raise CliError("give --prometheus-url URL (or --state-file from `kube-devops sandbox`)")
    try:
        range_seconds = parse_duration(args.range)
    except ValueError as err:
        raise CliError(f"--range: {err}") from None
    if args.deploy:
        _deploy(args)
    settings = VerifySettings(
        prometheus_url=url, dashboard=args.dashboard, endpoints=endpoints,
        range_seconds=range_seconds, strict=args.strict,
    )  # fmt: skip
    try:
        report = verify(settings, progress=lambda msg: print(msg, file=sys.stderr))
    except (QueryError, DashboardError) as err:
        raise CliError(str(err), EXIT_FAILURE) from None
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.panel_table().drop(columns=["expr"]).to_string(index=False))
        print(report.summary())
    return EXIT_OK if report.ok else EXIT_FAILURE


def _deploy(args: argparse.Namespace) -> None:
    from kube_devops.kube.config import ClusterConfig
    from kube_devops.kube.errors import KubeError
    from kube_devops.verify.deploy import apply_manifests, kube_devops_manifests

    try:
        apply_manifests(
            ClusterConfig(args.kubeconfig, args.context),
            kube_devops_manifests(),
            progress=lambda msg: print(msg, file=sys.stderr),
        )
    except KubeError as err:
        raise CliError(str(err), EXIT_FAILURE) from None
