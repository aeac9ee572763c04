"""Dashboard and alert queries agree with the metric catalog, in both directions.

Every catalog metric is used by at least one dashboard query; no query selects a series outside
the catalog; every label in a matcher, a ``by (...)`` and a legend exists on the series it names.
The same holds for the alert rules (which may also use Prometheus's own ``up``).
"""

from __future__ import annotations

import pytest

from kube_devops.core.catalog import CATALOG
from kube_devops.core.catalog_contract import (
    SYNTHETIC_SERIES,
    family_of,
    query_problems,
    series_labels,
)
from kube_devops.core.promql import analyze
from kube_devops.manifests.alerts import alerts
from kube_devops.manifests.dashboard import dashboard_model
from kube_devops.manifests.dashboard_panels import all_targets


def test_catalog_series_labels() -> None:
    table = series_labels()
    assert table["webhook_request_duration_seconds_bucket"] == {"le"}
    assert table["webhook_request_duration_seconds_count"] == frozenset()
    assert table["pod_events_total"] == {"event"}
    assert table["devopspolicy_health_score"] == {"namespace", "policy"}
    assert table["pods_skipped"] == {"reason"}
    assert table["pods_last_sync_timestamp_seconds"] == frozenset()
    assert len(table) == 22  # 16 plain metrics + 2 histograms x 3 series
    assert family_of("devopspolicy_reconcile_duration_seconds_sum") == (
        "devopspolicy_reconcile_duration_seconds"
    )


@pytest.mark.parametrize(
    ("expr", "legend", "fragment"),
    [
        ("rate(webhook_request_total[5m])", "", "'webhook_request_total' is not in the catalog"),
        ('cluster_health_score{namespace="a"}', "", "matcher label 'namespace'"),
        ("sum by (pod) (pods_tracked_total)", "", "grouping label 'pod'"),
        ("sum by (allowed) (webhook_requests_total)", "{{operation}}", "legend names 'operation'"),
        ('{__name__="x"}', "", "without a metric name"),
    ],
)
def test_query_problems_are_reported(expr: str, legend: str, fragment: str) -> None:
    problems = query_problems(expr, legend)
    assert len(problems) == 1
    assert fragment in problems[0]


def test_every_catalog_metric_is_on_the_dashboard() -> None:
    used = {
        family_of(m) for t in all_targets() for m in analyze(t.expr, lambda _: frozenset()).metrics
    }
    assert used == {spec.name for spec in CATALOG}
    assert len(used) == 18  # the contract's 16, the watch's sync age and skipped pods


def test_dashboard_json_names_every_metric() -> None:
    text = str(dashboard_model())
    missing = [spec.name for spec in CATALOG if spec.name not in text]
    assert missing == []


def test_dashboard_queries_agree_with_catalog() -> None:
    problems = [p for t in all_targets() for p in query_problems(t.expr, t.legend)]
    assert problems == []


def test_dashboard_model_targets_match_the_panel_table() -> None:
    targets = [
        (t["expr"], t["legendFormat"])
        for p in dashboard_model()["panels"] if p["type"] != "row" for t in p["targets"]
    ]  # fmt: skip
    assert targets == [(t.expr, t.legend) for t in all_targets()]


def test_alert_rules_agree_with_catalog() -> None:
    known = {**series_labels(), **SYNTHETIC_SERIES}
    problems = []
    for alert in alerts():
        text = alert.summary + alert.description
        problems += query_problems(alert.expr, text, known=known)
    assert problems == []


def test_alert_rules_use_only_catalog_metrics_and_up() -> None:
    used = {m for a in alerts() for m in analyze(a.expr, lambda _: frozenset()).metrics}
    assert used == {
        "up",
        "cluster_health_score",
        "devopspolicy_enforcement_mode",
        "devopspolicy_reconcile_errors_total",
        "devopspolicy_reconcile_total",
        "pods_last_sync_timestamp_seconds",
        "webhook_request_duration_seconds_bucket",
    }
