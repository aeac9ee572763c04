"""Namespace, ServiceAccount and RBAC with exactly the access the three components use.

No wildcards and no Secrets. Cluster-wide: pods (watch, reconcile), workloads the reconcile
operator resolves and patches, DevOpsPolicies and their status, Events recording remediations.
Leader-election Leases only in the components' own namespace (a Role). Nothing touches CRDs:
``crd install`` is run by an administrator, never by a component.
"""

from __future__ import annotations

from kube_devops.core.policy import GROUP, PLURAL
from kube_devops.manifests import labels as lb
from kube_devops.manifests.labels import Manifest

SERVICE_ACCOUNT = lb.APP_NAME
CLUSTER_ROLE = lb.APP_NAME
LEASE_ROLE = f"{lb.APP_NAME}-leader-election"

#: (apiGroups, resources, verbs) — one entry per rule, in the order they appear. Each verb is a
#: call the components make (``kube_devops.kube``): nothing more.
CLUSTER_RULES: tuple[tuple[list[str], list[str], list[str]], ...] = (
    # watch controller and reconcile operator: Watcher (list, then watch) and list_all per namespace
    ([""], ["pods"], ["list", "watch"]),
    # reconcile enforcement: get_workload, then json_patch_workload
    (["apps"], ["deployments", "statefulsets", "daemonsets"], ["get", "patch"]),
    # reconcile enforcement: OwnerResolver reads a pod's ReplicaSet to find its Deployment
    (["apps"], ["replicasets"], ["get"]),
    # reconcile and webhook Watchers; reconcile re-reads (get) and patches finalizers (patch)
    ([GROUP], [PLURAL], ["get", "list", "watch", "patch"]),
    # reconcile: patch_policy_status (merge patch on the status subresource)
    ([GROUP], [f"{PLURAL}/status"], ["patch"]),
    # reconcile: create_event records each remediation
    ([""], ["events"], ["create"]),
)

#: Lease verbs of ``LeaderElector``: read, create when missing, renew/take over/release by PUT.
LEASE_VERBS = ["get", "create", "update"]


def namespace(name: str = lb.DEFAULT_NAMESPACE) -> Manifest:
    """The components' namespace."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": lb.metadata(name, None, lb.app_labels()),
    }


def service_account(ns: str = lb.DEFAULT_NAMESPACE) -> Manifest:
    """The identity all three components run as."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": lb.metadata(SERVICE_ACCOUNT, ns, lb.app_labels()),
    }


def cluster_role() -> Manifest:
    """Cluster-wide access: exactly the verbs in :data:`CLUSTER_RULES`."""
    rules = [
        {"apiGroups": list(groups), "resources": list(resources), "verbs": list(verbs)}
        for groups, resources, verbs in CLUSTER_RULES
    ]
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": lb.metadata(CLUSTER_ROLE, None, lb.app_labels()),
        "rules": rules,
    }


def cluster_role_binding(ns: str = lb.DEFAULT_NAMESPACE) -> Manifest:
    """Binds the ClusterRole to the ServiceAccount."""
    return _binding("ClusterRoleBinding", CLUSTER_ROLE, "ClusterRole", None, ns)


def lease_role(ns: str = lb.DEFAULT_NAMESPACE) -> Manifest:
    """Leader-election Leases in the components' namespace only."""
    rule = {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": LEASE_VERBS}
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": lb.metadata(LEASE_ROLE, ns, lb.app_labels()),
        "rules": [rule],
    }


def lease_role_binding(ns: str = lb.DEFAULT_NAMESPACE) -> Manifest:
    """Binds the Lease Role to the ServiceAccount."""
    return _binding("RoleBinding", LEASE_ROLE, "Role", ns, ns)


def rbac(ns: str = lb.DEFAULT_NAMESPACE) -> list[Manifest]:
    """Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, Role and RoleBinding."""
    return [
        namespace(ns),
        service_account(ns),
        cluster_role(),
        cluster_role_binding(ns),
        lease_role(ns),
        lease_role_binding(ns),
    ]


def _binding(kind: str, role: str, role_kind: str, where: str | None, ns: str) -> Manifest:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": lb.metadata(role, where, lb.app_labels()),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": [{"kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": ns}],
    }
