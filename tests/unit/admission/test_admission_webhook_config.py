"""The generated ValidatingWebhookConfiguration: field by field, and schema-valid."""

from __future__ import annotations

import base64
from typing import Any

import kubernetes_validate
import pytest

from kube_devops.manifests.webhook_config import webhook_configuration

CA = b"-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"


def _webhook(config: dict[str, Any]) -> dict[str, Any]:
    (webhook,) = config["webhooks"]
    hook: dict[str, Any] = webhook
    return hook


def test_defaults() -> None:
    config = webhook_configuration(CA)
    hook = _webhook(config)

    assert config["apiVersion"] == "admissionregistration.k8s.io/v1"
    assert config["kind"] == "ValidatingWebhookConfiguration"
    assert config["metadata"] == {
        "name": "kube-devops-webhook",
        "labels": {
            "app.kubernetes.io/name": "kube-devops",
            "app.kubernetes.io/component": "webhook",
        },
    }
    assert hook["name"] == "validate.devops.stochastic.io"
    assert hook["clientConfig"]["service"] == {
        "name": "kube-devops-webhook",
        "namespace": "kube-devops",
        "path": "/validate",
        "port": 8443,
    }
    assert base64.b64decode(hook["clientConfig"]["caBundle"]) == CA
    assert hook["rules"] == [
        {
            "apiGroups": [""],
            "apiVersions": ["v1"],
            "operations": ["CREATE", "UPDATE"],
            "resources": ["pods"],
            "scope": "Namespaced",
        }
    ]
    assert hook["failurePolicy"] == "Ignore"
    assert hook["timeoutSeconds"] == 5
    assert hook["sideEffects"] == "None"
    assert hook["admissionReviewVersions"] == ["v1"]
    assert hook["matchPolicy"] == "Equivalent"
    assert hook["namespaceSelector"] == {
        "matchExpressions": [
            {
                "key": "kubernetes.io/metadata.name",
                "operator": "NotIn",
                "values": [
                    "argocd",
                    "cert-manager",
                    "istio-system",
                    "kube-devops",
                    "kube-flannel",
                    "kube-node-lease",
                    "kube-public",
                    "kube-system",
                    "monitoring",
                    "observability",
                ],
            }
        ]
    }


def test_fail_closed_and_own_namespace_excluded() -> None:
    hook = _webhook(webhook_configuration(CA, namespace="governance", fail_closed=True))

    assert hook["failurePolicy"] == "Fail"
    assert hook["clientConfig"]["service"]["namespace"] == "governance"
    assert "governance" in hook["namespaceSelector"]["matchExpressions"][0]["values"]


def test_empty_ca_bundle_is_refused() -> None:
    with pytest.raises(ValueError, match="CA bundle is empty"):
        webhook_configuration(b"  \n")


def test_schema_valid() -> None:
    version = kubernetes_validate.latest_version()

    kubernetes_validate.validate(webhook_configuration(CA), version, strict=True)
