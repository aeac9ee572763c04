"""The component collectors come from the catalog and live on the registry passed in."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Gauge

from kube_devops.core.catalog import CATALOG, Component
from kube_devops.runtime.metrics import build_metrics


def test_watch_metrics_are_registered_on_the_given_registry_with_preset_events() -> None:
    registry = CollectorRegistry()
    metrics = build_metrics(Component.WATCH, registry)
    assert sorted(metrics) == [
        "cluster_health_score",
        "namespace_health_score",
        "pod_events_total",
        "pods_last_sync_timestamp_seconds",
        "pods_skipped",
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


#: The table of PRODUCT.md: (component, name, type, labels); pod_events_total adds ``event``.
PRODUCT_METRICS = {
    ("watch", "cluster_health_score", "gauge", ()),
    ("watch", "namespace_health_score", "gauge", ("namespace",)),
    ("watch", "pod_events_total", "counter", ("event",)),
    ("watch", "pods_tracked_total", "gauge", ()),
    ("reconcile", "devopspolicy_reconcile_total", "counter", ()),
    ("reconcile", "devopspolicy_reconcile_errors_total", "counter", ()),
    ("reconcile", "devopspolicy_violations_total", "gauge", ("namespace", "policy")),
    ("reconcile", "devopspolicy_health_score", "gauge", ("namespace", "policy")),
    ("reconcile", "devopspolicy_remediations_applied_total", "counter", ()),
    ("reconcile", "devopspolicy_remediations_failed_total", "counter", ()),
    ("reconcile", "devopspolicy_enforcement_mode", "gauge", ("namespace", "policy")),
    ("reconcile", "devopspolicy_pods_scanned_total", "counter", ()),
    ("reconcile", "devopspolicy_reconcile_duration_seconds", "histogram", ()),
    ("webhook", "webhook_requests_total", "counter", ("operation", "allowed")),
    ("webhook", "webhook_denials_total", "counter", ("namespace", "violation")),
    ("webhook", "webhook_request_duration_seconds", "histogram", ()),
}


def test_the_catalog_is_the_16_metrics_of_the_product_and_the_watch_health_pair() -> None:
    listed = {(s.component.value, s.name, s.type.value, s.labels) for s in CATALOG}
    assert len(CATALOG) == 18
    assert listed == PRODUCT_METRICS | {
        ("watch", "pods_last_sync_timestamp_seconds", "gauge", ()),
        ("watch", "pods_skipped", "gauge", ("reason",)),
    }


@pytest.mark.parametrize(
    ("component", "name", "finest", "coarsest"),
    [
        (Component.WEBHOOK, "webhook_request_duration_seconds", "0.001", "10.0"),
        (Component.RECONCILE, "devopspolicy_reconcile_duration_seconds", "0.005", "30.0"),
    ],
)
def test_histogram_buckets_resolve_the_required_range(
    component: Component, name: str, finest: str, coarsest: str
) -> None:
    registry = CollectorRegistry()
    build_metrics(component, registry)
    bounds = [
        s.labels["le"]
        for family in registry.collect()
        for s in family.samples
        if s.name == f"{name}_bucket"
    ]
    assert bounds[0] == finest
    assert bounds[-2:] == [coarsest, "+Inf"]
