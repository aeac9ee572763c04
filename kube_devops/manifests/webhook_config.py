"""The ``ValidatingWebhookConfiguration`` that sends pod CREATE/UPDATE to the webhook.

A pure builder: the caller reads the CA bundle and passes its bytes. The API server calls the
Service on port 8443 at ``/validate`` with a 5 s timeout; a webhook that cannot answer is
ignored (``failurePolicy: Ignore``) unless the configuration is built fail-closed. System
namespaces and kube-devops itself are excluded, so the webhook can never block the control plane
or its own restart.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from kube_devops.core.catalog import PORTS, Component
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES
from kube_devops.core.policy import GROUP
from kube_devops.manifests.labels import DEFAULT_NAMESPACE, component_labels, component_name

WEBHOOK_NAME = f"validate.{GROUP}"
"""Name of the single webhook entry (must be a fully qualified name)."""

VALIDATE_PATH = "/validate"
TIMEOUT_SECONDS = 5

#: Namespaces named explicitly in the selector. A label selector cannot express the ``kube-*``
#: and ``*-system`` rules, so the well-known members are listed; the webhook itself also skips
#: any namespace matching the rules.
WELL_KNOWN_SYSTEM_NAMESPACES = (
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "kube-flannel",
    DEFAULT_NAMESPACE,
)


def excluded_namespaces(namespace: str, extra: Iterable[str] = ()) -> list[str]:
    """Sorted names excluded by the namespaceSelector: system ones, kube-devops, ``namespace``."""
    names = set(WELL_KNOWN_SYSTEM_NAMESPACES) | set(DEFAULT_SYSTEM_NAMESPACES.names)
    return sorted(names | {namespace} | set(extra))


def webhook_configuration(
    ca_bundle: bytes,
    *,
    service_name: str = component_name(Component.WEBHOOK),
    namespace: str = DEFAULT_NAMESPACE,
    fail_closed: bool = False,
    extra_excluded_namespaces: Iterable[str] = (),
) -> dict[str, Any]:
    """The configuration as a dict; ``ca_bundle`` is the PEM of the CA that signed the server."""
    if not ca_bundle.strip():
        raise ValueError("the CA bundle is empty; pass the ca.crt written by cert-generate")
    webhook: dict[str, Any] = {
        "name": WEBHOOK_NAME,
        "clientConfig": {
            "service": {
                "name": service_name,
                "namespace": namespace,
                "path": VALIDATE_PATH,
                "port": PORTS[Component.WEBHOOK],
            },
            "caBundle": base64.b64encode(ca_bundle).decode("ascii"),
        },
        "rules": [
            {
                "apiGroups": [""],
                "apiVersions": ["v1"],
                "operations": ["CREATE", "UPDATE"],
                "resources": ["pods"],
                "scope": "Namespaced",
            }
        ],
        "failurePolicy": "Fail" if fail_closed else "Ignore",
        "matchPolicy": "Equivalent",
        "sideEffects": "None",
        "timeoutSeconds": TIMEOUT_SECONDS,
        "admissionReviewVersions": ["v1"],
        "namespaceSelector": {
            "matchExpressions": [
                {
                    "key": "kubernetes.io/metadata.name",
                    "operator": "NotIn",
                    "values": excluded_namespaces(namespace, extra_excluded_namespaces),
                }
            ]
        },
    }
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": service_name, "labels": component_labels(Component.WEBHOOK)},
        "webhooks": [webhook],
    }
