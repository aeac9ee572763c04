"""The seed's four new metrics: in the catalog, on the dashboard, and exposed by their component.

Each appears in the text exposition of a fresh registry built for its component (the seed's
``test_*_metric_registered``), so the dashboard never names a series nobody exports.
"""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from kube_devops.core.catalog import Component, MetricType, metric
from kube_devops.manifests.dashboard_panels import all_targets
from kube_devops.runtime.metrics import build_metrics


@pytest.mark.parametrize(
    ("name", "kind", "component", "sample"),
    [
        # seed: test_pods_scanned_metric_registered
        ("devopspolicy_pods_scanned_total", MetricType.COUNTER, Component.RECONCILE,
         "devopspolicy_pods_scanned_total 0.0"),
        # seed: test_reconcile_duration_metric_registered
        ("devopspolicy_reconcile_duration_seconds", MetricType.HISTOGRAM, Component.RECONCILE,
         'devopspolicy_reconcile_duration_seconds_bucket{le="+Inf"} 0.0'),
        # seed: test_pods_tracked_metric_registered
        ("pods_tracked_total", MetricType.GAUGE, Component.WATCH, "pods_tracked_total 0.0"),
        # seed: test_webhook_duration_metric_registered
        ("webhook_request_duration_seconds", MetricType.HISTOGRAM, Component.WEBHOOK,
         "webhook_request_duration_seconds_count 0.0"),
    ],
)  # fmt: skip
def test_seed_metric_registered_and_charted(
    name: str, kind: MetricType, component: Component, sample: str
) -> None:
    spec = metric(name)
    assert (spec.type, spec.component) == (kind, component)
    registry = CollectorRegistry()
    build_metrics(component, registry)
    assert sample in generate_latest(registry).decode().splitlines()
    assert any(name in target.expr for target in all_targets())
