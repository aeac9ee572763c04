"""The single catalog of every metric kube-devops exports.

Components build their collectors from it, the dashboard and alert rules are checked against it,
and the verifier compares live scrapes with it. Names are a contract with users: never rename.
Beyond the sixteen of the contract, the watch controller exports
``pods_last_sync_timestamp_seconds`` (how stale its scores are during an API outage) and
``pods_skipped{reason}`` (malformed pods it cannot score; a gauge, so it has a series while there
are none); each has a dashboard panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Component(StrEnum):
    """The three long-running components, each with its own port."""

    WATCH = "watch"
    RECONCILE = "reconcile"
    WEBHOOK = "webhook"


#: Default port of each component (the webhook serves HTTPS).
PORTS: dict[Component, int] = {
    Component.WATCH: 8080,
    Component.RECONCILE: 9090,
    Component.WEBHOOK: 8443,
}

#: Leader-election Lease of each component that elects a leader (the webhook does not).
LEASE_NAMES: dict[Component, str] = {
    Component.WATCH: "kube-devops-watch",
    Component.RECONCILE: "kube-devops-reconcile",
}
#: Default validity of a leader-election Lease, in seconds.
LEASE_SECONDS = 15.0

#: Seconds the API server may go unanswered before a component's ``/readyz`` turns 503.
READINESS_GRACE_SECONDS = 30.0


class MetricType(StrEnum):
    """Prometheus metric types used by the catalog."""

    COUNTER = "counter"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One exported metric.

    ``name`` is the exposed family name (for counters, including ``_total``).
    """

    name: str
    type: MetricType
    help: str
    component: Component
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = ()

    @property
    def series_names(self) -> tuple[str, ...]:
        """Sample names this metric produces in the text exposition."""
        if self.type is MetricType.HISTOGRAM:
            return (f"{self.name}_bucket", f"{self.name}_sum", f"{self.name}_count")
        return (self.name,)


#: Webhook latency buckets: resolve 1 ms to 10 s.
WEBHOOK_BUCKETS: tuple[float, ...] = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip

#: Reconcile cycle buckets: resolve 5 ms to 30 s.
RECONCILE_BUCKETS: tuple[float, ...] = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
)  # fmt: skip

_W, _R, _H = Component.WATCH, Component.RECONCILE, Component.WEBHOOK
_C, _G, _HI = MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM

CATALOG: tuple[MetricSpec, ...] = (
    MetricSpec("cluster_health_score", _G, "Cluster governance health score (0-100)", _W),
    MetricSpec(
        "namespace_health_score", _G, "Namespace governance health score (0-100)", _W,
        ("namespace",),
    ),
    MetricSpec("pod_events_total", _C, "Total pod events processed", _W, ("event",)),
    MetricSpec(
        "pods_tracked_total", _G, "Total pods currently tracked by the watch controller", _W
    ),
    MetricSpec(
        "pods_last_sync_timestamp_seconds", _G,
        "When the watch controller was last in sync with the API server, in Unix seconds (now "
        "while it is); time() minus this is the age of the governance scores", _W,
    ),
    MetricSpec(
        "pods_skipped", _G, "Pods currently skipped because they cannot be scored", _W,
        ("reason",),
    ),
    MetricSpec("devopspolicy_reconcile_total", _C, "Total DevOpsPolicy reconciliation cycles", _R),
    MetricSpec(
        "devopspolicy_reconcile_errors_total", _C, "Total DevOpsPolicy reconciliation errors", _R
    ),
    MetricSpec(
        "devopspolicy_violations_total", _G, "Policy violations per namespace and policy", _R,
        ("namespace", "policy"),
    ),
    MetricSpec(
        "devopspolicy_health_score", _G, "Health score per namespace and policy", _R,
        ("namespace", "policy"),
    ),
    MetricSpec(
        "devopspolicy_remediations_applied_total", _C, "Total successful remediations applied", _R
    ),
    MetricSpec(
        "devopspolicy_remediations_failed_total", _C, "Total failed remediation attempts", _R
    ),
    MetricSpec(
        "devopspolicy_enforcement_mode", _G, "Enforcement mode per policy (0=audit, 1=enforce)",
        _R, ("namespace", "policy"),
    ),
    MetricSpec(
        "devopspolicy_pods_scanned_total", _C,
        "Total pods scanned across all reconciliation cycles", _R,
    ),
    MetricSpec(
        "devopspolicy_reconcile_duration_seconds", _HI,
        "Duration of each reconciliation cycle in seconds", _R, (), RECONCILE_BUCKETS,
    ),
    MetricSpec(
        "webhook_requests_total", _C, "Total admission webhook requests", _H,
        ("operation", "allowed"),
    ),
    MetricSpec(
        "webhook_denials_total", _C, "Total admission webhook denials by namespace and violation",
        _H, ("namespace", "violation"),
    ),
    MetricSpec(
        "webhook_request_duration_seconds", _HI,
        "Duration of admission webhook request processing in seconds", _H, (), WEBHOOK_BUCKETS,
    ),
)  # fmt: skip

BY_NAME: dict[str, MetricSpec] = {spec.name: spec for spec in CATALOG}


def for_component(component: Component) -> tuple[MetricSpec, ...]:
    """The metrics one component exports, in catalog order."""
    return tuple(spec for spec in CATALOG if spec.component is component)


def metric(name: str) -> MetricSpec:
    """Look a metric up by name; ``KeyError`` names the unknown metric."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(
            f"{name!r} is not in the kube-devops metric catalog; add a MetricSpec for it to CATALOG"
        ) from None
