"""RBAC: exactly the verbs the components use, no wildcards, no Secrets, Leases namespaced."""

from __future__ import annotations

from typing import Any

from kube_devops.manifests.rbac import rbac


def _by_kind(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {obj["kind"]: obj for obj in objects}


def test_rbac_objects_in_order() -> None:
    kinds = [(o["kind"], o["metadata"]["name"]) for o in rbac()]
    assert kinds == [
        ("Namespace", "kube-devops"),
        ("ServiceAccount", "kube-devops"),
        ("ClusterRole", "kube-devops"),
        ("ClusterRoleBinding", "kube-devops"),
        ("Role", "kube-devops-leader-election"),
        ("RoleBinding", "kube-devops-leader-election"),
    ]


def test_cluster_role_grants_exactly_the_used_verbs() -> None:
    rules = _by_kind(rbac())["ClusterRole"]["rules"]
    granted = {
        (group, resource): sorted(rule["verbs"])
        for rule in rules
        for group in rule["apiGroups"]
        for resource in rule["resources"]
    }
    assert granted == {
        ("", "pods"): ["list", "watch"],
        ("apps", "deployments"): ["get", "patch"],
        ("apps", "replicasets"): ["get"],
        ("apps", "statefulsets"): ["get", "patch"],
        ("apps", "daemonsets"): ["get", "patch"],
        ("devops.stochastic.io", "devopspolicies"): ["get", "list", "patch", "watch"],
        ("devops.stochastic.io", "devopspolicies/status"): ["patch"],
        ("", "events"): ["create"],
    }


def test_no_wildcards_and_no_secrets() -> None:
    for obj in rbac():
        for rule in obj.get("rules", []):
            for field in ("apiGroups", "resources", "verbs"):
                assert "*" not in rule[field], (obj["metadata"]["name"], field)
            assert "secrets" not in rule["resources"]
            assert "customresourcedefinitions" not in rule["resources"]


def test_leases_only_in_own_namespace() -> None:
    objects = _by_kind(rbac("ops"))
    role = objects["Role"]
    assert role["metadata"]["namespace"] == "ops"
    assert role["rules"] == [
        {
            "apiGroups": ["coordination.k8s.io"],
            "resources": ["leases"],
            "verbs": ["get", "create", "update"],
        }
    ]
    assert objects["RoleBinding"]["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "kube-devops-leader-election",
    }


def test_bindings_name_the_service_account() -> None:
    objects = _by_kind(rbac("ops"))
    subject = {"kind": "ServiceAccount", "name": "kube-devops", "namespace": "ops"}
    assert objects["ClusterRoleBinding"]["subjects"] == [subject]
    assert objects["RoleBinding"]["subjects"] == [subject]
    assert objects["ClusterRoleBinding"]["roleRef"]["kind"] == "ClusterRole"
    assert "namespace" not in objects["ClusterRole"]["metadata"]
