"""Names and labels shared by every generated object.

The two ``app.kubernetes.io`` labels are a contract with users: Services, ServiceMonitors and the
Deployments' pod templates all carry them, so selectors always match.
"""

from __future__ import annotations

from typing import Any

from kube_devops.core.catalog import Component

#: A Kubernetes object as the API server sends it: a JSON dict with camelCase keys.
Manifest = dict[str, Any]

#: The ``app.kubernetes.io/name`` value on everything generated.
APP_NAME = "kube-devops"

#: Namespace the components run in.
DEFAULT_NAMESPACE = "kube-devops"

#: The ``release`` label a kube-prometheus-stack release selects ServiceMonitors by.
DEFAULT_RELEASE_LABEL = "stable"

#: Scrape interval of the ServiceMonitors.
DEFAULT_INTERVAL = "15s"

NAME_KEY = "app.kubernetes.io/name"
COMPONENT_KEY = "app.kubernetes.io/component"

#: Name of the Service port every component's metrics are scraped through.
METRICS_PORT_NAME = "metrics"


def component_name(component: Component) -> str:
    """``kube-devops-<component>``: the Service, ServiceMonitor and Deployment name."""
    return f"{APP_NAME}-{component.value}"


def component_labels(component: Component) -> dict[str, str]:
    """The two contract labels of one component (also its selector)."""
    return {NAME_KEY: APP_NAME, COMPONENT_KEY: component.value}


def app_labels() -> dict[str, str]:
    """The name label alone, for objects shared by all components."""
    return {NAME_KEY: APP_NAME}


def metadata(name: str, namespace: str | None, labels: dict[str, str]) -> dict[str, object]:
    """An ``ObjectMeta`` dict; ``namespace`` is ``None`` for cluster-scoped objects."""
    meta: dict[str, object] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    meta["labels"] = dict(labels)
    return meta


def uses_tls(component: Component) -> bool:
    """Whether the component serves HTTPS (only the webhook)."""
    return component is Component.WEBHOOK
