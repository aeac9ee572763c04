"""Alert rules: a ``PrometheusRule`` for the Prometheus Operator and the plain rule-file form.

The alerts users of a governance tool expect: a component (or one of its targets) is down, the
cluster health stays below the Degraded boundary, reconcile errors keep coming, webhook p99
latency is high, reconciliation has stopped, and the watch controller's scores are stale. Metric
names come from the catalog and job names from the ServiceMonitors; ``promtool test rules``
covers each alert (tests/rules/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kube_devops.core.catalog import Component, metric
from kube_devops.manifests import labels as lb
from kube_devops.manifests.labels import Manifest
from kube_devops.manifests.servicemonitors import ObservabilitySettings, job_name

RULE_NAME = "kube-devops-alerts"
GROUP_NAME = "kube-devops"

#: Cluster health below this (the Stable/Degraded boundary) for ``HEALTH_FOR`` alerts.
HEALTH_THRESHOLD = 60
HEALTH_FOR = "10m"
#: Webhook p99 latency (seconds) above which admission slows pod creation noticeably.
WEBHOOK_P99_SECONDS = 0.5
#: No reconcile over this window (ten 30 s intervals), held for as long again, means the operator
#: has stalled. Only while policies exist: with none, nothing is reconciled and that is fine.
STALL_WINDOW = "5m"
#: Scores older than this (seconds out of sync with the API server), for ``STALE_FOR``, alert.
STALE_SECONDS = 120
STALE_FOR = "5m"


@dataclass(frozen=True, slots=True)
class Alert:
    """One alerting rule."""

    name: str
    expr: str
    duration: str
    severity: str
    summary: str
    description: str

    def rule(self) -> dict[str, Any]:
        """The rule as it appears in a rule group."""
        return {
            "alert": self.name,
            "expr": self.expr,
            "for": self.duration,
            "labels": {"severity": self.severity},
            "annotations": {"summary": self.summary, "description": self.description},
        }


def _jobs_regex() -> str:
    return "|".join(job_name(component) for component in Component)


def _component_down() -> str:
    """All targets of a component down, or no target at all (``absent`` keeps the job label)."""
    absent = (f'absent(up{{job="{job_name(c)}"}})' for c in Component)
    return " or ".join((f'sum by (job) (up{{job=~"{_jobs_regex()}"}}) == 0', *absent))


def alerts() -> tuple[Alert, ...]:
    """Every alert, in the order they appear in the rule group."""
    errors = metric("devopspolicy_reconcile_errors_total").name
    reconciles = metric("devopspolicy_reconcile_total").name
    latency = metric("webhook_request_duration_seconds").name
    cluster = metric("cluster_health_score").name
    policies = metric("devopspolicy_enforcement_mode").name
    synced = metric("pods_last_sync_timestamp_seconds").name
    return (
        Alert("KubeDevopsComponentDown", _component_down(), "5m", "critical",
              "kube-devops component {{ $labels.job }} has no healthy target",
              "No target of {{ $labels.job }} has been up for 5 minutes; its metrics, "
              "governance and admission checks are unavailable."),
        Alert("KubeDevopsTargetDown", f'up{{job=~"{_jobs_regex()}"}} == 0', "10m", "warning",
              "kube-devops target {{ $labels.job }}/{{ $labels.pod }} is down",
              "Prometheus has failed to scrape {{ $labels.instance }} for 10 minutes."),
        Alert("KubeDevopsClusterHealthLow", f"max({cluster}) < {HEALTH_THRESHOLD}",
              HEALTH_FOR, "warning",
              "Cluster governance health is {{ $value }} (below 60)",
              "The cluster health score has been below 60 (Degraded) for 10 minutes; see the "
              "Namespace Health Scores panel for the namespaces pulling it down."),
        Alert("KubeDevopsReconcileErrors", f"sum(rate({errors}[5m])) > 0", "10m", "warning",
              "DevOpsPolicy reconciliations keep failing",
              "Reconcile errors have been rising for 10 minutes ({{ $value | humanize }} per "
              "second); check the reconcile operator's logs."),
        Alert("KubeDevopsWebhookLatencyHigh",
              f"histogram_quantile(0.99, sum by (le) (rate({latency}_bucket[5m])))"
              f" > {WEBHOOK_P99_SECONDS}", "10m", "warning",
              "Admission webhook p99 latency is {{ $value | humanizeDuration }}",
              "The webhook's p99 latency has been above 0.5 s for 10 minutes; pod creation "
              "slows down and requests near the 5 s timeout are ignored."),
        Alert("KubeDevopsReconcileStalled",
              f"sum(increase({reconciles}[{STALL_WINDOW}])) == 0 "
              f"and on() count({policies}) > 0", STALL_WINDOW, "critical",
              "No DevOpsPolicy reconciliation in the last 10 minutes",
              "DevOpsPolicies exist but the reconcile operator has not reconciled one for "
              "twenty of its 30 s intervals; policy statuses are going stale."),
        Alert("KubeDevopsScoresStale", f"time() - max({synced}) > {STALE_SECONDS}", STALE_FOR,
              "warning",
              "Governance scores are {{ $value | humanizeDuration }} old",
              "The watch controller has not been in sync with the API server for over 2 "
              "minutes, for 5 minutes; the health scores shown are its last known state."),
    )  # fmt: skip


def rule_groups() -> dict[str, Any]:
    """The plain Prometheus rule file (``groups:``), as ``promtool`` reads it."""
    return {"groups": [{"name": GROUP_NAME, "rules": [alert.rule() for alert in alerts()]}]}


def prometheus_rule(settings: ObservabilitySettings) -> Manifest:
    """The ``PrometheusRule`` the Prometheus Operator loads (selected by ``release``)."""
    labels = {**lb.app_labels(), "release": settings.release_label}
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": lb.metadata(RULE_NAME, settings.namespace, labels),
        "spec": rule_groups(),
    }
