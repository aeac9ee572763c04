"""The component collectors come from the catalog and live on the registry passed in."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Gauge

from kube_devops.core.catalog import Component
from kube_devops.runtime.metrics import build_metrics


def test_watch_metrics_are_registered_on_the_given_registry_with_preset_events() -> None:
    registry = CollectorRegistry()
    metrics = build_metrics(Component.WATCH, registry)
    assert sorted(metrics) == [
        "cluster_health_score",
        "namespace_health_score",
        "pod_events_total",
        "pods_tracked_total",
    ]
    for event in ("ADDED", "MODIFIED", "DELETED"):
        assert registry.get_sample_value("pod_events_total", {"event": event}) == 0.0
    assert registry.get_sample_value("pods_tracked_total") == 0.0
    metrics.counter("pod_events_total").labels(event="ADDED").inc(2)
    assert registry.get_sample_value("pod_events_total", {"event": "ADDED"}) == 2.0
    assert registry.get_sample_value("pod_events_created", {"event": "ADDED"}) is None


def test_reconcile_histogram_uses_the_catalog_buckets() -> None:
    registry = CollectorRegistry()
    metrics = build_metrics(Component.RECONCILE, registry)
    metrics.histogram("devopspolicy_reconcile_duration_seconds").observe(0.007)
    labels = {"le": "0.01"}
    assert registry.get_sample_value("devopspolicy_reconcile_duration_seconds_bucket", labels) == 1
    assert (
        registry.get_sample_value("devopspolicy_reconcile_duration_seconds_bucket", {"le": "0.005"})
        == 0
    )


def test_custom_preset_initialises_label_sets() -> None:
    registry = CollectorRegistry()
    build_metrics(Component.WEBHOOK, registry, {"webhook_requests_total": [("CREATE", "true")]})
    labels = {"operation": "CREATE", "allowed": "true"}
    assert registry.get_sample_value("webhook_requests_total", labels) == 0.0


def test_wrong_type_and_unknown_name_are_explained() -> None:
    metrics = build_metrics(Component.WATCH, CollectorRegistry())
    assert isinstance(metrics.gauge("cluster_health_score"), Gauge)
    with pytest.raises(TypeError, match="is a Counter, not a Gauge"):
        metrics.gauge("pod_events_total")
    with pytest.raises(KeyError, match="does not belong to the watch component"):
        metrics["webhook_requests_total"]
