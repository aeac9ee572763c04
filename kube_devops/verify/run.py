"""The verifier's steps in order: scrape live ``/metrics``, resolve template variables, query
every panel target instant and over a range, classify, and collect the report.

(Step 1 of PRODUCT.md, deploying the manifests, is done by the caller before ``verify``.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kube_devops.core.promql import parse_duration
from kube_devops.verify.client import PromClient
from kube_devops.verify.dashboard import (
    Dashboard,
    PanelTarget,
    dashboard_from_dict,
    load_dashboard,
)
from kube_devops.verify.diagnose import check_expr
from kube_devops.verify.model import PanelCheck, Series, Verdict, Window
from kube_devops.verify.report import Report
from kube_devops.verify.scrape import MetricCheck, scrape_components
from kube_devops.verify.templating import Resolved, TimeContext, step_for, substitute
from kube_devops.verify.variables import resolve_variables

Progress = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class VerifySettings:
    """What to verify and how."""

    prometheus_url: str
    """Base URL of the Prometheus HTTP API, e.g. ``http://127.0.0.1:9090``."""
    dashboard: Path | None = None
    """Grafana dashboard JSON or ConfigMap YAML; ``None`` checks the shipped dashboard."""
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """Component name -> base URL whose ``/metrics`` is scraped live; empty skips that step."""
    range_seconds: float = 600.0
    """Length of the range queries (the dashboard time range)."""
    scrape_seconds: float | None = None
    """Scrape interval; ``None`` takes the longest interval among Prometheus' active targets."""
    strict: bool = False
    """Count ``warn`` panels (all zero, legend label missing) as failures."""
    verify_tls: bool = True
    """Check the Prometheus server certificate when its URL is https."""


def shipped_dashboard() -> Dashboard:
    """The dashboard kube-devops ships (built by the manifests layer)."""
    from kube_devops.manifests.dashboard import dashboard_model

    return dashboard_from_dict(dashboard_model())


def verify(settings: VerifySettings, progress: Progress | None = None) -> Report:
    """Run the verification and return the report (never raises for failing panels)."""
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    dashboard = load_dashboard(settings.dashboard) if settings.dashboard else shipped_dashboard()
    metrics: list[MetricCheck] = []
    if settings.endpoints:
        say(f"scraping /metrics of {', '.join(settings.endpoints)}")
        metrics = _timed(timings, "scrape", lambda: scrape_components(settings.endpoints))
    client = PromClient(settings.prometheus_url, verify_tls=settings.verify_tls)
    try:
        targets = _timed(timings, "targets", client.targets)
        scrape = settings.scrape_seconds or _scrape_interval(targets)
        end = time.time()
        step = step_for(settings.range_seconds, scrape)
        ctx = TimeContext(settings.range_seconds, step, scrape)
        window = Window(end - settings.range_seconds, end, step, scrape, targets)
        say(f"resolving {len(dashboard.variables)} template variables")
        resolved, variables = _timed(
            timings,
            "variables",
            lambda: resolve_variables(client, dashboard.variables, ctx, (window.start, end)),
        )
        say(f"querying {len(dashboard.targets)} panel targets (range {settings.range_seconds:g}s)")
        if dashboard.panels_without_targets:
            say(f"{len(dashboard.panels_without_targets)} panels have no Prometheus query")
        started = time.perf_counter()
        panels = [_check_target(client, t, resolved, ctx, window) for t in dashboard.targets]
        timings["panels"] = time.perf_counter() - started
    finally:
        client.close()
    timings["slowest_query"] = max((p.query_seconds for p in panels), default=0.0)
    return Report(
        panels,
        targets,
        metrics,
        variables,
        timings,
        settings.strict,
        unchecked=list(dashboard.panels_without_targets),
    )


def _check_target(
    client: PromClient,
    target: PanelTarget,
    resolved: Mapping[str, Resolved],
    ctx: TimeContext,
    window: Window,
) -> PanelCheck:
    expr, unknown = substitute(target.expr, resolved, ctx)
    legend, _ = substitute(target.legend, resolved, ctx)
    if unknown:
        names = ", ".join(f"${n}" for n in unknown)
        verdict = Verdict(
            "error",
            "query_error",
            f"undefined template variable {names}: define it or fix the name",
        )
        count, seconds, data = 0, 0.0, list[Series]()
    else:
        verdict, count, seconds, data = check_expr(client, expr, legend, window)
    return PanelCheck(
        target.row, target.title, expr, verdict.status, verdict.reason, verdict.detail, count,
        legend=legend, panel_type=target.panel_type, unit=target.unit, query_seconds=seconds,
        range_result=data,
    )  # fmt: skip


def _scrape_interval(targets: list[dict[str, Any]]) -> float:
    intervals = [parse_duration(t["scrapeInterval"]) for t in targets if t.get("scrapeInterval")]
    return max(intervals, default=15.0)


def _timed(timings: dict[str, float], name: str, call: Callable[[], T]) -> T:
    started = time.perf_counter()
    try:
        return call()
    finally:
        timings[name] = time.perf_counter() - started
