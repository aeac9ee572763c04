"""The reconcile operator's collectors as typed attributes, built once from the catalog.

``ReconcileMetrics.build(registry)`` registers every catalog metric of the reconcile component
on ``registry`` and names each collector once; the code that counts uses the attributes
(``metrics.reconciles.inc()``), so a misspelt metric fails at start-up, not on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from kube_devops.core.catalog import Component
from kube_devops.runtime.metrics import build_metrics


@dataclass(frozen=True)
class ReconcileMetrics:
    """The reconcile component's collectors (labels as in the catalog)."""

    reconciles: Counter
    """``devopspolicy_reconcile_total``: reconciles started."""
    errors: Counter
    """``devopspolicy_reconcile_errors_total``: reconciles that failed (and will retry)."""
    duration: Histogram
    """``devopspolicy_reconcile_duration_seconds``: time of one reconcile."""
    pods_scanned: Counter
    """``devopspolicy_pods_scanned_total``: scored pods evaluated."""
    violations: Gauge
    """``devopspolicy_violations_total{namespace, policy}``."""
    health_score: Gauge
    """``devopspolicy_health_score{namespace, policy}``."""
    enforcement_mode: Gauge
    """``devopspolicy_enforcement_mode{namespace, policy}``: 1 enforce, 0 audit."""
    remediations_applied: Counter
    """``devopspolicy_remediations_applied_total``: workload patches that succeeded."""
    remediations_failed: Counter
    """``devopspolicy_remediations_failed_total``: workload patches the API refused."""

    @classmethod
    def build(cls, registry: CollectorRegistry) -> ReconcileMetrics:
        """Register the reconcile metrics on ``registry``."""
        found = build_metrics(Component.RECONCILE, registry)
        return cls(
            reconciles=found.counter("devopspolicy_reconcile_total"),
            errors=found.counter("devopspolicy_reconcile_errors_total"),
            duration=found.histogram("devopspolicy_reconcile_duration_seconds"),
            pods_scanned=found.counter("devopspolicy_pods_scanned_total"),
            violations=found.gauge("devopspolicy_violations_total"),
            health_score=found.gauge("devopspolicy_health_score"),
            enforcement_mode=found.gauge("devopspolicy_enforcement_mode"),
            remediations_applied=found.counter("devopspolicy_remediations_applied_total"),
            remediations_failed=found.counter("devopspolicy_remediations_failed_total"),
        )

    @property
    def per_policy(self) -> tuple[Gauge, ...]:
        """The gauges labelled ``{namespace, policy}`` (removed when a policy goes)."""
        return (self.violations, self.health_score, self.enforcement_mode)
