"""Services exposing each component's port (and ``/metrics``) inside the cluster.

Names ``kube-devops-<component>``, the two contract labels, and one port named ``metrics`` whose
port equals its target port. The webhook's port also carries admission traffic.
"""

from __future__ import annotations

from kube_devops.core.catalog import PORTS, Component
from kube_devops.manifests import labels as lb
from kube_devops.manifests.labels import Manifest


def service(component: Component, namespace: str = lb.DEFAULT_NAMESPACE) -> Manifest:
    """The ClusterIP Service in front of one component's pods."""
    port = PORTS[component]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": lb.metadata(
            lb.component_name(component), namespace, lb.component_labels(component)
        ),
        "spec": {
            "selector": lb.component_labels(component),
            "ports": [
                {
                    "name": lb.METRICS_PORT_NAME,
                    "port": port,
                    "targetPort": port,
                    "protocol": "TCP",
                }
            ],
        },
    }


def services(namespace: str = lb.DEFAULT_NAMESPACE) -> list[Manifest]:
    """The three Services, in component order (watch, reconcile, webhook)."""
    return [service(component, namespace) for component in Component]
