"""``kube-devops verify``: prove every dashboard query returns data, and say why when not."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kube_devops.cli import verify_flags
from kube_devops.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_cluster_flags,
)
from kube_devops.cli.verify_flags import ASSUMED_PANEL_WIDTH, add_verify_flags
from kube_devops.core.promql import parse_duration

__all__ = ["ASSUMED_PANEL_WIDTH", "register"]

if TYPE_CHECKING:
    from kube_devops.verify.report import Report
    from kube_devops.verify.run import VerifySettings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` verb."""
    parser = subparsers.add_parser(
        "verify", help="check every dashboard query against Prometheus and diagnose empty ones"
    )
    add_verify_flags(parser)
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def _read_state(path: Path) -> dict[str, Any]:
    """A ``kube-devops sandbox --state-file`` file, checked: a ``prometheus_url`` string, an
    ``endpoints`` object, and a sandbox that is running whole."""
    try:
        state = json.loads(path.read_text())
        state.setdefault("endpoints", {})
        if not isinstance(state["prometheus_url"], str) or not isinstance(state["endpoints"], dict):
            raise TypeError("wrong types")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise CliError(
            f"--state-file {path}: not a sandbox state file ({type(err).__name__}: {err}); "
            "expected JSON with prometheus_url and endpoints as `kube-devops sandbox` writes it"
        ) from None
    from kube_devops.sandbox.state import unusable_reason

    if (reason := unusable_reason(state)) is not None:
        raise CliError(f"--state-file {path}: {reason}")
    return dict(state)


def _recheck_state(path: Path, before: dict[str, Any]) -> None:
    """A sandbox process that died or was restarted while verify ran voids the result."""
    from kube_devops.sandbox.state import changed_during

    try:
        after = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise CliError(f"--state-file {path}: unreadable after the run ({err})") from None
    if (reason := changed_during(before, after)) is not None:
        raise CliError(f"--state-file {path}: {reason}")


def _run(args: argparse.Namespace) -> int:
    try:
        state = _read_state(args.state_file) if args.state_file else None
        settings = _settings(args, state)
        if args.deploy:
            _deploy(args)
        report = _verify(settings)
        if state is not None:
            _recheck_state(args.state_file, state)
    except CliError as err:
        if args.json:
            print(json.dumps({"ok": False, "error": str(err)}))
        raise
    if args.html:
        from kube_devops.notebook.report_html import write_html

        written = write_html(report, args.html, "kube-devops verify")
        print(f"HTML report: {written}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        from kube_devops.verify.report_text import render

        print(render(report))
    return EXIT_OK if report.ok else EXIT_FAILURE


def _settings(args: argparse.Namespace, state: dict[str, Any] | None) -> VerifySettings:
    from kube_devops.verify.run import VerifySettings

    url, endpoints = args.prometheus_url, verify_flags.endpoints(args)
    if state is not None:
        url = url or state["prometheus_url"]
        endpoints = {**{str(k): str(v) for k, v in state["endpoints"].items()}, **endpoints}
    if not url:
        raise CliError("give --prometheus-url URL (or --state-file from `kube-devops sandbox`)")
    try:
        range_seconds = parse_duration(args.range)
    except ValueError as err:
        raise CliError(f"--range: {err}") from None
    return VerifySettings(
        prometheus_url=url, dashboards=tuple(args.dashboard), endpoints=endpoints,
        range_seconds=range_seconds, strict=args.strict, concurrency=args.concurrency,
        max_data_points=args.max_data_points, datasources=verify_flags.datasources(args),
    )  # fmt: skip


def _verify(settings: VerifySettings) -> Report:
    """Bad input (a dashboard, a URL that is not Prometheus) exits 2; other query errors 1."""
    from kube_devops.verify import run
    from kube_devops.verify.client import ApiUnavailableError, QueryError
    from kube_devops.verify.dashboard import DashboardError

    try:
        return run.verify(settings, progress=lambda msg: print(msg, file=sys.stderr))
    except (ApiUnavailableError, DashboardError) as err:
        raise CliError(str(err), EXIT_USAGE) from None
    except QueryError as err:
        raise CliError(str(err), EXIT_FAILURE) from None


def _deploy(args: argparse.Namespace) -> None:
    from kube_devops.kube.config import ClusterConfig
    from kube_devops.kube.errors import KubeError
    from kube_devops.notebook.deploy import apply_manifests, kube_devops_manifests

    try:
        apply_manifests(
            ClusterConfig(args.kubeconfig, args.context),
            kube_devops_manifests(),
            progress=lambda msg: print(msg, file=sys.stderr),
        )
    except KubeError as err:
        raise CliError(str(err), EXIT_FAILURE) from None
