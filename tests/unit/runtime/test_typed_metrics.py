"""Each component's collectors are typed attributes covering its whole catalog, built once."""

from __future__ import annotations

import dataclasses

from prometheus_client import CollectorRegistry

from kube_devops.components.reconcile.metrics import ReconcileMetrics
from kube_devops.components.watch.exporter import WatchMetrics
from kube_devops.components.webhook.metrics import WebhookMetrics


def test_reconcile_attributes_are_the_nine_catalog_metrics() -> None:
    registry = CollectorRegistry()
    metrics = ReconcileMetrics.build(registry)
    assert len(dataclasses.fields(metrics)) == 9
    metrics.reconciles.inc()
    metrics.remediations_failed.inc(2)
    metrics.health_score.labels("team-a", "strict").set(87.5)
    assert registry.get_sample_value("devopspolicy_reconcile_total") == 1.0
    assert registry.get_sample_value("devopspolicy_remediations_failed_total") == 2.0
    labels = {"namespace": "team-a", "policy": "strict"}
    assert registry.get_sample_value("devopspolicy_health_score", labels) == 87.5
    assert registry.get_sample_value("devopspolicy_reconcile_created") is None
    assert metrics.per_policy == (
        metrics.violations,
        metrics.health_score,
        metrics.enforcement_mode,
    )


def test_webhook_attributes_with_the_request_series_preset() -> None:
    registry = CollectorRegistry()
    metrics = WebhookMetrics.build(registry)
    assert len(dataclasses.fields(metrics)) == 3
    preset = {"operation": "UPDATE", "allowed": "false"}
    assert registry.get_sample_value("webhook_requests_total", preset) == 0.0
    metrics.denials.labels("team-a", "latest_tag").inc()
    labels = {"namespace": "team-a", "violation": "latest_tag"}
    assert registry.get_sample_value("webhook_denials_total", labels) == 1.0


def test_watch_event_counter_with_the_event_types_preset() -> None:
    registry = CollectorRegistry()
    metrics = WatchMetrics.build(registry)
    metrics.events.labels(event="DELETED").inc()
    assert registry.get_sample_value("pod_events_total", {"event": "ADDED"}) == 0.0
    assert registry.get_sample_value("pod_events_total", {"event": "DELETED"}) == 1.0
    assert registry.get_sample_value("cluster_health_score") is None  # the state's collector
