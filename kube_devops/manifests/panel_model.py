"""Vocabulary of the dashboard's panel table: panel and row specs, query helpers, metric names.

Metric names come from the catalog, so a rename fails here, at import. The helpers write rates
over ``$__rate_interval`` and quantiles as ``histogram_quantile(q, sum by (le) (rate(x_bucket)))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kube_devops.core.catalog import metric

RATE_WINDOW = "$__rate_interval"
NS = 'namespace=~"$namespace"'

CLUSTER_SCORE = metric("cluster_health_score").name
NAMESPACE_SCORE = metric("namespace_health_score").name
POD_EVENTS = metric("pod_events_total").name
PODS_TRACKED = metric("pods_tracked_total").name
LAST_SYNC = metric("pods_last_sync_timestamp_seconds").name
PODS_SKIPPED = metric("pods_skipped").name
RECONCILES = metric("devopspolicy_reconcile_total").name
RECONCILE_ERRORS = metric("devopspolicy_reconcile_errors_total").name
VIOLATIONS = metric("devopspolicy_violations_total").name
POLICY_SCORE = metric("devopspolicy_health_score").name
APPLIED = metric("devopspolicy_remediations_applied_total").name
FAILED = metric("devopspolicy_remediations_failed_total").name
MODE = metric("devopspolicy_enforcement_mode").name
SCANNED = metric("devopspolicy_pods_scanned_total").name
RECONCILE_SECONDS = metric("devopspolicy_reconcile_duration_seconds").name
REQUESTS = metric("webhook_requests_total").name
DENIALS = metric("webhook_denials_total").name
WEBHOOK_SECONDS = metric("webhook_request_duration_seconds").name


class Kind(StrEnum):
    """Grafana panel plugin ids used by the dashboard."""

    STAT = "stat"
    GAUGE = "gauge"
    TIMESERIES = "timeseries"


class Thresholds(StrEnum):
    """Colour schemes: ``health`` is red when low, ``count`` red when high, ``none`` neutral."""

    HEALTH = "health"
    COUNT = "count"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Target:
    """One query of a panel and its legend."""

    expr: str
    legend: str


@dataclass(frozen=True, slots=True)
class PanelSpec:
    """One panel; ``id`` is stable across releases (links and alerts may point at it)."""

    id: int
    kind: Kind
    title: str
    unit: str
    description: str
    targets: tuple[Target, ...]
    width: int = 12
    height: int = 8
    thresholds: Thresholds = Thresholds.NONE
    score_range: bool = False
    mode_mapping: bool = False


@dataclass(frozen=True, slots=True)
class RowSpec:
    """A dashboard row and the panels under it."""

    id: int
    title: str
    panels: tuple[PanelSpec, ...]


def rate(series: str, matchers: str = "") -> str:
    """``rate(series{matchers}[$__rate_interval])``."""
    selector = f"{series}{{{matchers}}}" if matchers else series
    return f"rate({selector}[{RATE_WINDOW}])"


def quantile(q: float, histogram: str) -> str:
    """The ``q`` quantile of a histogram pooled over every replica."""
    return f"histogram_quantile({q}, sum by (le) ({rate(histogram + '_bucket')}))"


def mean(histogram: str) -> str:
    """Mean observation of a histogram pooled over every replica."""
    return f"sum({rate(histogram + '_sum')}) / sum({rate(histogram + '_count')})"


def quantiles(histogram: str) -> tuple[Target, ...]:
    """p50, p95 and p99 of a histogram, one target each."""
    return tuple(Target(quantile(q, histogram), f"p{round(q * 100)}") for q in (0.5, 0.95, 0.99))


def one(expr: str, legend: str) -> tuple[Target, ...]:
    """A single target."""
    return (Target(expr, legend),)
