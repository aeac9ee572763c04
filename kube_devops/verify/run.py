"""The verifier's steps in order: load the dashboards, scrape live ``/metrics``, plan every panel
target as Grafana runs it (variables, repeats, intervals, data sources), judge every target
concurrently over its own window, and collect the report in dashboard order.

(Step 1 of PRODUCT.md, deploying the manifests, is done by the caller before ``verify``.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from kube_devops.core.promql import parse_duration
from kube_devops.verify.client import PromClient
from kube_devops.verify.dashboard import DashboardError
from kube_devops.verify.diagnose import judge
from kube_devops.verify.grafana import DashboardSource, PlanOptions, load_dashboards, plan_dashboard
from kube_devops.verify.plan import PlannedDashboard
from kube_devops.verify.report import DashboardCheck, Report
from kube_devops.verify.scrape import MetricCheck, scrape_components
from kube_devops.verify.settings import VerifySettings

__all__ = ["SHIPPED", "VerifySettings", "load_sources", "shipped_source", "verify"]

Progress = Callable[[str], None]
T = TypeVar("T")
#: What the report calls the dashboard kube-devops ships when no dashboard is given.
SHIPPED = "(shipped dashboard)"


def shipped_source() -> DashboardSource:
    """The dashboard kube-devops ships (built by the manifests layer)."""
    from kube_devops.manifests.dashboard import dashboard_model

    return DashboardSource(dashboard_model(), SHIPPED)


def load_sources(paths: Sequence[Path]) -> list[DashboardSource]:
    """Every dashboard in ``paths``, or the shipped one; DashboardError names a file without."""
    return load_dashboards(list(paths)) if paths else [shipped_source()]


def verify(settings: VerifySettings, progress: Progress | None = None) -> Report:
    """Run the verification and return the report (never raises for failing panels).

    Raises :class:`DashboardError` for a dashboard that cannot be read or has no panel target,
    and :class:`~kube_devops.verify.client.ApiUnavailableError` when the URL does not answer
    the Prometheus HTTP API.
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    sources = _timed(timings, "load", lambda: load_sources(settings.dashboards))
    metrics: list[MetricCheck] = []
    if settings.endpoints:
        say(f"scraping /metrics of {', '.join(settings.endpoints)}")
        metrics = _timed(timings, "scrape", lambda: scrape_components(settings.endpoints))
    client = PromClient(
        settings.prometheus_url, verify_tls=settings.verify_tls, connections=settings.concurrency
    )
    try:
        client.check_api()
        targets = _timed(timings, "targets", client.targets)
        options = _options(settings, targets)
        with ThreadPoolExecutor(max_workers=max(1, settings.concurrency)) as pool:
            say(f"planning {len(sources)} dashboard(s)")
            planned = _timed(timings, "plan", lambda: _plan_all(pool, client, sources, options))
            _require_targets(planned)
            count = sum(len(p.targets) for p in planned)
            say(f"querying {count} panel targets, {settings.concurrency} at a time")
            checks = _timed(timings, "panels", lambda: _judge_all(pool, client, planned, targets))
    finally:
        client.close()
    return _report(planned, checks, targets, metrics, timings, settings.strict)


def _options(settings: VerifySettings, targets: list[dict[str, Any]]) -> PlanOptions:
    extra: dict[str, Any] = {}
    if settings.max_data_points is not None:
        extra["max_data_points"] = settings.max_data_points
    return PlanOptions(
        verify_tls=settings.verify_tls,
        end=time.time(),
        range_seconds=settings.range_seconds,
        scrape_seconds=settings.scrape_seconds or _scrape_interval(targets),
        datasources=dict(settings.datasources),
        **extra,
    )


def _require_targets(planned: Sequence[PlannedDashboard]) -> None:
    """No target to check, no verdict: DashboardError for a dashboard without any target, and
    when no dashboard has a Prometheus query (only Loki, TestData, ... targets)."""
    for dashboard in planned:
        if not dashboard.targets and not dashboard.unchecked:
            raise DashboardError(
                f"{dashboard.file}: dashboard {dashboard.title!r} has no panel target to check; "
                "give a dashboard whose panels have queries"
            )
    if planned and not any(d.targets for d in planned):
        unchecked = [u for d in planned for u in d.unchecked]
        kinds = ", ".join(sorted({u.datasource_type for u in unchecked}))
        raise DashboardError(
            f"{', '.join(d.file for d in planned)}: nothing to check: none of the "
            f"{len(unchecked)} panel targets is a Prometheus query ({kinds}; "
            f"{unchecked[0].reason}); give a dashboard with Prometheus queries"
        )


def _plan_all(
    pool: ThreadPoolExecutor,
    client: PromClient,
    sources: Sequence[DashboardSource],
    options: PlanOptions,
) -> list[PlannedDashboard]:
    """Every dashboard planned, several at a time (their variable queries overlap), in order."""
    return list(pool.map(lambda source: plan_dashboard(source, client, options), sources))


def _judge_all(
    pool: ThreadPoolExecutor,
    client: PromClient,
    planned: Sequence[PlannedDashboard],
    targets: list[dict[str, Any]],
) -> list[DashboardCheck]:
    """Every target judged, ``concurrency`` at a time, back in dashboard order."""
    every = [t for d in planned for t in d.targets]
    results = iter(list(pool.map(lambda t: judge(client, t, targets), every)))
    return [
        DashboardCheck(
            d.title, d.uid, d.file, list(d.variables), [next(results) for _ in d.targets],
            list(d.unchecked), list(d.panels_without_targets),
        )
        for d in planned
    ]  # fmt: skip


def _report(
    planned: Sequence[PlannedDashboard],
    checks: list[DashboardCheck],
    targets: list[dict[str, Any]],
    metrics: list[MetricCheck],
    timings: dict[str, float],
    strict: bool,
) -> Report:
    panels = [p for d in checks for p in d.panels]
    timings["slowest_query"] = max((p.query_seconds for p in panels), default=0.0)
    unchecked = [t for d in planned for t in d.panels_without_targets]
    unchecked += [u.title for d in planned for u in d.unchecked]
    return Report(
        panels, targets, metrics, [], timings, strict, unchecked=unchecked, dashboards=checks
    )


def _scrape_interval(targets: list[dict[str, Any]]) -> float:
    intervals = [parse_duration(t["scrapeInterval"]) for t in targets if t.get("scrapeInterval")]
    return max(intervals, default=15.0)


def _timed(timings: dict[str, float], name: str, call: Callable[[], T]) -> T:
    started = time.perf_counter()
    try:
        return call()
    finally:
        timings[name] = time.perf_counter() - started
