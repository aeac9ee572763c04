"""The webhook's collectors as typed attributes, built once from the catalog.

``WebhookMetrics.build(registry)`` registers the catalog's webhook metrics on ``registry``, with
the ``webhook_requests_total`` series of ``REQUEST_PRESETS`` at zero so dashboards have data
from the start.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

from kube_devops.core.catalog import Component
from kube_devops.runtime.metrics import build_metrics

#: ``webhook_requests_total`` series created at start: (operation, allowed).
REQUEST_PRESETS = tuple(
    (op, allowed) for op in ("CREATE", "UPDATE") for allowed in ("true", "false")
)


@dataclass(frozen=True)
class WebhookMetrics:
    """The webhook component's collectors (labels as in the catalog)."""

    requests: Counter
    """``webhook_requests_total{operation, allowed}``: AdmissionReviews answered."""
    denials: Counter
    """``webhook_denials_total{namespace, violation}``: denials, one per failed check."""
    duration: Histogram
    """``webhook_request_duration_seconds``: time to answer one request."""

    @classmethod
    def build(cls, registry: CollectorRegistry) -> WebhookMetrics:
        """Register the webhook metrics on ``registry``."""
        found = build_metrics(
            Component.WEBHOOK, registry, {"webhook_requests_total": REQUEST_PRESETS}
        )
        return cls(
            requests=found.counter("webhook_requests_total"),
            denials=found.counter("webhook_denials_total"),
            duration=found.histogram("webhook_request_duration_seconds"),
        )
