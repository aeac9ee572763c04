"""ServiceMonitors (``monitoring.coreos.com/v1``) telling Prometheus to scrape each component.

Each scrapes its Service's ``metrics`` port at ``/metrics`` with ``honorLabels: true`` so the
exported ``namespace`` label is not renamed to ``exported_namespace``; the webhook is scraped over
HTTPS with ``insecureSkipVerify`` (its certificate names the Service, not the pod address).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kube_devops.core.catalog import Component
from kube_devops.manifests import labels as lb
from kube_devops.manifests.labels import Manifest


@dataclass(frozen=True, slots=True)
class ObservabilitySettings:
    """What the observability generators need to know about the target cluster."""

    namespace: str = lb.DEFAULT_NAMESPACE
    """Namespace of the Services, ServiceMonitors, dashboard ConfigMap and PrometheusRule."""

    release_label: str = lb.DEFAULT_RELEASE_LABEL
    """Value of the ``release`` label the Prometheus Operator release selects objects by."""

    interval: str = lb.DEFAULT_INTERVAL
    """Scrape interval of every ServiceMonitor endpoint (a Prometheus duration, e.g. ``15s``)."""


def service_monitor(component: Component, settings: ObservabilitySettings) -> Manifest:
    """The ServiceMonitor scraping one component's Service through its ``metrics`` port."""
    endpoint: dict[str, Any] = {
        "port": lb.METRICS_PORT_NAME,
        "path": "/metrics",
        "interval": settings.interval,
        "honorLabels": True,
        "scheme": "https" if lb.uses_tls(component) else "http",
    }
    if lb.uses_tls(component):
        endpoint["tlsConfig"] = {"insecureSkipVerify": True}
    labels = {**lb.component_labels(component), "release": settings.release_label}
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": lb.metadata(lb.component_name(component), settings.namespace, labels),
        "spec": {
            "selector": {"matchLabels": lb.component_labels(component)},
            "namespaceSelector": {"matchNames": [settings.namespace]},
            "endpoints": [endpoint],
        },
    }


def service_monitors(settings: ObservabilitySettings) -> list[Manifest]:
    """The three ServiceMonitors, in component order (watch, reconcile, webhook)."""
    return [service_monitor(component, settings) for component in Component]


def job_name(component: Component) -> str:
    """The ``job`` label the Prometheus Operator gives this component's targets.

    Without ``jobLabel`` the operator uses the Service name.
    """
    return lb.component_name(component)
