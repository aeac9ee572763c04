"""Catalog-shaped exporters on loopback, one per component, for verifier tests that need a real
Prometheus but none of the components. Counters and histograms move every 100 ms."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from kube_devops.core.catalog import Component, MetricSpec, MetricType, for_component

#: Label values each labelled series is exported with; chosen so tests can name them.
LABEL_VALUES: dict[str, tuple[dict[str, str], ...]] = {
    "namespace_health_score": ({"namespace": "team-a"}, {"namespace": "team-b"}),
    "pod_events_total": ({"event": "ADDED"}, {"event": "MODIFIED"}),
    "devopspolicy_violations_total": ({"namespace": "team-a", "policy": "baseline"},),
    "devopspolicy_health_score": ({"namespace": "team-a", "policy": "baseline"},),
    "devopspolicy_enforcement_mode": (
        {"namespace": "team-a", "policy": "baseline"},
        {"namespace": "team-b", "policy": "audit-only"},
    ),
    "webhook_requests_total": (
        {"operation": "CREATE", "allowed": "true"},
        {"operation": "CREATE", "allowed": "false"},
    ),
    "webhook_denials_total": ({"namespace": "team-a", "violation": "latest_tag"},),
    "pods_skipped": ({"reason": "malformed"},),
}
#: Gauge values by label value (the lowest wins); 0 for the audit-only policy, so "all zero"
#: can be provoked on purpose, 40 for team-b, 80 for everything else.
GAUGE_VALUES = {"team-b": 40.0, "audit-only": 0.0}


@dataclass
class FakeExporter:
    """One running exporter."""

    component: Component
    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        """Stop serving; Prometheus then sees the target down."""
        self.server.shutdown()
        self.server.server_close()


def _collectors(component: Component, registry: CollectorRegistry) -> list[tuple[MetricSpec, Any]]:
    out: list[tuple[MetricSpec, Any]] = []
    for spec in for_component(component):
        base = spec.name.removesuffix("_total") if spec.type is MetricType.COUNTER else spec.name
        if spec.type is MetricType.COUNTER:
            metric: Any = Counter(base, spec.help, spec.labels, registry=registry)
        elif spec.type is MetricType.GAUGE:
            metric = Gauge(base, spec.help, spec.labels, registry=registry)
        else:
            metric = Histogram(
                base, spec.help, spec.labels, buckets=spec.buckets, registry=registry
            )
        out.append((spec, metric))
    return out


def _children(spec: MetricSpec, metric: Any) -> list[Any]:
    if not spec.labels:
        return [metric]
    return [metric.labels(**values) for values in LABEL_VALUES[spec.name]]


def _tick(collectors: list[tuple[MetricSpec, Any]], stop: threading.Event) -> None:
    while not stop.wait(0.1):
        for spec, metric in collectors:
            for child, values in zip(
                _children(spec, metric), LABEL_VALUES.get(spec.name, ({},)), strict=True
            ):
                if spec.type is MetricType.COUNTER:
                    child.inc()
                elif spec.type is MetricType.GAUGE:
                    chosen = [GAUGE_VALUES[v] for v in values.values() if v in GAUGE_VALUES]
                    child.set(min(chosen) if chosen else 80.0)
                else:
                    child.observe(0.02)


@contextmanager
def fake_exporters(components: tuple[Component, ...] = tuple(Component)) -> Iterator[
    dict[Component, FakeExporter]
]:  # fmt: skip
    """Start one exporter per component on ephemeral loopback ports; stop them on exit."""
    stop = threading.Event()
    exporters: dict[Component, FakeExporter] = {}
    tickers: list[threading.Thread] = []
    try:
        for component in components:
            registry = CollectorRegistry()
            collectors = _collectors(component, registry)
            server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
            url = f"http://127.0.0.1:{server.server_port}"
            exporters[component] = FakeExporter(component, url, server, thread)
            ticker = threading.Thread(target=_tick, args=(collectors, stop), daemon=True)
            ticker.start()
            tickers.append(ticker)
        yield exporters
    finally:
        stop.set()
        for exporter in exporters.values():
            exporter.stop()
        for ticker in tickers:
            ticker.join()


def static_jobs(exporters: dict[Component, FakeExporter]) -> list[dict[str, Any]]:
    """Scrape jobs named like the operator's (job = Service name) for the fake exporters."""
    return [
        {
            "job_name": f"kube-devops-{component.value}",
            "honor_labels": True,
            "static_configs": [
                {
                    "targets": [exporter.url.removeprefix("http://")],
                    "labels": {"service": f"kube-devops-{component.value}"},
                }
            ],
        }
        for component, exporter in exporters.items()
    ]
