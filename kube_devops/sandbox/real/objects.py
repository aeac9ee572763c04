"""The objects the sandbox puts into a fresh real control plane, in order (pure).

1. CRDs: the Prometheus Operator's ServiceMonitor and PrometheusRule (release 0.93, kept in
   ``crds/``; the sandbox renders scrape jobs from ServiceMonitors read back through the API, and
   ``observability generate-all`` applies) and ours, the DevOpsPolicy CRD.
2. What ``deploy generate-all`` prints — Namespace, ServiceAccount, RBAC and the
   ValidatingWebhookConfiguration, as generated except its ``clientConfig``, which names the
   webhook on loopback (``url``) instead of the in-cluster Service. The components' Deployments
   and PodDisruptionBudgets are left out: the components run as processes on loopback.
3. The sandbox's fault injection (never part of ``deploy generate-all``): a
   ValidatingAdmissionPolicy refusing kube-devops's updates of objects named ``flaky-*`` — a
   misbehaving admission chain, so the reconcile-error and failed-remediation panels have data.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from kube_devops.core.policy import GROUP, PLURAL, VERSION
from kube_devops.kube import resources as res
from kube_devops.kube.resources import Resource
from kube_devops.manifests.deploy import DeploySettings
from kube_devops.manifests.labels import Manifest
from kube_devops.manifests.rbac import SERVICE_ACCOUNT
from kube_devops.manifests.reference import deploy_all
from kube_devops.manifests.webhook_config import VALIDATE_PATH

CRD_DIR = Path(__file__).with_name("crds")
FLAKY_POLICY_NAME = "kube-devops-sandbox-flaky-writes"
_ADMISSION = "admissionregistration.k8s.io"
_RBAC = "rbac.authorization.k8s.io"
_RUNS_ELSEWHERE = frozenset({"Deployment", "PodDisruptionBudget"})

#: The API resource of every kind the sandbox applies.
RESOURCES: dict[str, Resource] = {
    r.kind: r
    for r in (
        res.CRDS, res.NAMESPACES, res.PODS, res.DEPLOYMENTS, res.STATEFULSETS, res.DAEMONSETS,
        res.DEVOPSPOLICIES, res.VALIDATING_WEBHOOK_CONFIGURATIONS,
        Resource("", "v1", "serviceaccounts", "ServiceAccount"),
        Resource("", "v1", "services", "Service"),
        Resource("", "v1", "configmaps", "ConfigMap"),
        Resource(_RBAC, "v1", "clusterroles", "ClusterRole", False),
        Resource(_RBAC, "v1", "clusterrolebindings", "ClusterRoleBinding", False),
        Resource(_RBAC, "v1", "roles", "Role"),
        Resource(_RBAC, "v1", "rolebindings", "RoleBinding"),
        Resource(
            _ADMISSION, "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", False
        ),
        Resource(
            _ADMISSION, "v1", "validatingadmissionpolicybindings",
            "ValidatingAdmissionPolicyBinding", False,
        ),
        Resource("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor"),
        Resource("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule"),
    )
}  # fmt: skip


def operator_crds() -> list[Manifest]:
    """The Prometheus Operator's CRDs kept in ``crds/``."""
    return [yaml.safe_load(path.read_text()) for path in sorted(CRD_DIR.glob("*.yaml"))]


def kube_devops_objects(
    ca_bundle: bytes, webhook_url: str, namespace: str = "kube-devops"
) -> list[Manifest]:
    """``deploy generate-all`` for the sandbox (see the module docstring)."""
    out: list[Manifest] = []
    for obj in deploy_all(DeploySettings(namespace=namespace), ca_bundle):
        if obj["kind"] in _RUNS_ELSEWHERE:
            continue
        if obj["kind"] == "ValidatingWebhookConfiguration":
            obj = on_loopback(obj, webhook_url)
        out.append(obj)
    return out


def on_loopback(config: Manifest, webhook_url: str) -> Manifest:
    """A copy of the webhook configuration whose webhooks call ``<webhook_url>/validate``."""
    changed = copy.deepcopy(config)
    for webhook in changed["webhooks"]:
        client = webhook["clientConfig"]
        client.pop("service", None)
        client["url"] = webhook_url.rstrip("/") + VALIDATE_PATH
    return changed


def flaky_writes_policy(namespace: str = "kube-devops") -> list[Manifest]:
    """ValidatingAdmissionPolicy and binding: the components' service account may not update
    Deployments, DevOpsPolicies or policy status named ``flaky-*`` (403 Forbidden)."""
    user = f"system:serviceaccount:{namespace}:{SERVICE_ACCOUNT}"
    only_ours = f"request.userInfo.username == '{user}'"
    rules = [
        {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["UPDATE"],
         "resources": ["deployments"]},
        {"apiGroups": [GROUP], "apiVersions": [VERSION], "operations": ["UPDATE"],
         "resources": [PLURAL, f"{PLURAL}/status"]},
    ]  # fmt: skip
    policy: dict[str, Any] = {
        "apiVersion": f"{_ADMISSION}/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": FLAKY_POLICY_NAME},
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": rules},
            "matchConditions": [{"name": "kube-devops-writes", "expression": only_ours}],
            "validations": [
                {
                    "expression": "!object.metadata.name.startsWith('flaky-')",
                    "message": "sandbox fault injection: updates of flaky-* objects are refused",
                    "reason": "Forbidden",
                }
            ],
        },
    }
    binding = {
        "apiVersion": f"{_ADMISSION}/v1",
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": FLAKY_POLICY_NAME},
        "spec": {"policyName": FLAKY_POLICY_NAME, "validationActions": ["Deny"]},
    }
    return [policy, binding]
