"""Deployments and PodDisruptionBudgets of the three components.

Two replicas each (leader election picks the active watch and reconcile replica), probes on the
component's own ``/healthz`` and ``/readyz`` (HTTPS for the webhook), requests and limits, and a
locked-down security context: non-root, read-only root filesystem, no capabilities, seccomp
``RuntimeDefault``. The webhook mounts its TLS Secret at ``/tls``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import kube_devops
from kube_devops.core.catalog import PORTS, Component
from kube_devops.manifests import labels as lb
from kube_devops.manifests.labels import Manifest
from kube_devops.manifests.rbac import SERVICE_ACCOUNT

TLS_SECRET = "kube-devops-webhook-tls"
TLS_DIR = "/tls"
RUN_AS_USER = 65532


@dataclass(frozen=True, slots=True)
class DeploySettings:
    """What the deployment generators need to know."""

    namespace: str = lb.DEFAULT_NAMESPACE
    """Namespace the components run in (also where their leader-election Leases live)."""

    image: str = f"kube-devops:{kube_devops.__version__}"
    """Container image holding the ``kube-devops`` command."""

    replicas: int = 2
    """Replicas per component; more than one needs leader election, which the components do."""

    image_pull_policy: str = "IfNotPresent"
    """Kubernetes ``imagePullPolicy`` of every container."""


def component_args(component: Component, namespace: str) -> list[str]:
    """The ``kube-devops`` arguments each component is started with."""
    port = str(PORTS[component])
    if component is Component.WATCH:
        return ["watch", "--port", port, "--lease-namespace", namespace]
    if component is Component.RECONCILE:
        return ["reconcile", "--port", port, "--interval", "30", "--lease-namespace", namespace]
    cert, key = f"{TLS_DIR}/tls.crt", f"{TLS_DIR}/tls.key"
    return ["webhook", "serve", "--addr", f"0.0.0.0:{port}", "--tls-cert", cert, "--tls-key", key]


def deployment(component: Component, settings: DeploySettings) -> Manifest:
    """The Deployment of one component."""
    labels = lb.component_labels(component)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": lb.metadata(lb.component_name(component), settings.namespace, labels),
        "spec": {
            "replicas": settings.replicas,
            "selector": {"matchLabels": labels},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}},
            "template": {"metadata": {"labels": labels}, "spec": _pod_spec(component, settings)},
        },
    }


def pod_disruption_budget(component: Component, namespace: str) -> Manifest:
    """Keeps at least one replica of the component through voluntary disruptions."""
    labels = lb.component_labels(component)
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": lb.metadata(lb.component_name(component), namespace, labels),
        "spec": {"minAvailable": 1, "selector": {"matchLabels": labels}},
    }


def deployments(settings: DeploySettings) -> list[Manifest]:
    """The three Deployments followed by their PodDisruptionBudgets."""
    workloads = [deployment(component, settings) for component in Component]
    budgets = [pod_disruption_budget(component, settings.namespace) for component in Component]
    return workloads + budgets


def _pod_spec(component: Component, settings: DeploySettings) -> dict[str, Any]:
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {}}]
    if lb.uses_tls(component):
        secret = {"secretName": TLS_SECRET, "defaultMode": 0o440}
        volumes.append({"name": "tls", "secret": secret})
    return {
        "serviceAccountName": SERVICE_ACCOUNT,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS_USER,
            "runAsGroup": RUN_AS_USER,
            "fsGroup": RUN_AS_USER,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "terminationGracePeriodSeconds": 30,
        "affinity": _spread(component),
        "containers": [_container(component, settings)],
        "volumes": volumes,
    }


def _container(component: Component, settings: DeploySettings) -> dict[str, Any]:
    mounts: list[dict[str, Any]] = [{"name": "tmp", "mountPath": "/tmp"}]
    if lb.uses_tls(component):
        mounts.append({"name": "tls", "mountPath": TLS_DIR, "readOnly": True})
    return {
        "name": component.value,
        "image": settings.image,
        "imagePullPolicy": settings.image_pull_policy,
        "command": ["kube-devops"],
        "args": component_args(component, settings.namespace),
        "ports": [{"name": lb.METRICS_PORT_NAME, "containerPort": PORTS[component]}],
        "livenessProbe": _probe(component, "/healthz", period=10, failures=3),
        "readinessProbe": _probe(component, "/readyz", period=5, failures=2),
        "resources": {
            "requests": {"cpu": "50m", "memory": "96Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": mounts,
    }


def _probe(component: Component, path: str, *, period: int, failures: int) -> dict[str, Any]:
    scheme = "HTTPS" if lb.uses_tls(component) else "HTTP"
    return {
        "httpGet": {"path": path, "port": lb.METRICS_PORT_NAME, "scheme": scheme},
        "initialDelaySeconds": 5,
        "periodSeconds": period,
        "timeoutSeconds": 2,
        "failureThreshold": failures,
    }


def _spread(component: Component) -> dict[str, Any]:
    term = {
        "labelSelector": {"matchLabels": lb.component_labels(component)},
        "topologyKey": "kubernetes.io/hostname",
    }
    return {
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 100, "podAffinityTerm": term}
            ]
        }
    }
