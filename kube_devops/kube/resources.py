"""Kubernetes resource addresses and their REST paths.

Public API:

- ``Resource(group, version, plural, kind, namespaced=True)`` with ``api_version`` and
  ``path(namespace=None, name=None, subresource=None)``, e.g. ``PODS.path("default", "web")`` is
  ``/api/v1/namespaces/default/pods/web``; without a namespace a namespaced resource is listed
  across all namespaces.
- Constants: ``PODS``, ``NAMESPACES``, ``NODES``, ``EVENTS``, ``LEASES``, ``DEPLOYMENTS``,
  ``REPLICASETS``, ``STATEFULSETS``, ``DAEMONSETS``, ``JOBS``, ``CRONJOBS``, ``CRDS``,
  ``DEVOPSPOLICIES`` (devops.stochastic.io/v1), ``VALIDATING_WEBHOOK_CONFIGURATIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kube_devops.core import policy


@dataclass(frozen=True, slots=True)
class Resource:
    """One API resource (``group`` is ``""`` for the core group)."""

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        """``v1`` for the core group, else ``group/version``."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(
        self, namespace: str | None = None, name: str | None = None, subresource: str | None = None
    ) -> str:
        """The REST path of the collection, or of one object (and its subresource)."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        path = f"{base}/{self.plural}"
        if name:
            path += f"/{name}"
            if subresource:
                path += f"/{subresource}"
        return path


PODS = Resource("", "v1", "pods", "Pod")
NAMESPACES = Resource("", "v1", "namespaces", "Namespace", namespaced=False)
NODES = Resource("", "v1", "nodes", "Node", namespaced=False)
EVENTS = Resource("", "v1", "events", "Event")
LEASES = Resource("coordination.k8s.io", "v1", "leases", "Lease")
DEPLOYMENTS = Resource("apps", "v1", "deployments", "Deployment")
REPLICASETS = Resource("apps", "v1", "replicasets", "ReplicaSet")
STATEFULSETS = Resource("apps", "v1", "statefulsets", "StatefulSet")
DAEMONSETS = Resource("apps", "v1", "daemonsets", "DaemonSet")
JOBS = Resource("batch", "v1", "jobs", "Job")
CRONJOBS = Resource("batch", "v1", "cronjobs", "CronJob")
CRDS = Resource(
    "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False
)
DEVOPSPOLICIES = Resource(policy.GROUP, policy.VERSION, policy.PLURAL, policy.KIND)
VALIDATING_WEBHOOK_CONFIGURATIONS = Resource(
    "admissionregistration.k8s.io",
    "v1",
    "validatingwebhookconfigurations",
    "ValidatingWebhookConfiguration",
    namespaced=False,
)
