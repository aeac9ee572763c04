"""The ``DevOpsPolicy`` CustomResourceDefinition (apiextensions.k8s.io/v1) as a pure dict.

Structural schema with types, enums (``enforcementMode``, severities, checks, classes), minimums
and maximums, a status subresource whose schema covers every field the operator writes, short
name ``dop`` and printer columns Mode, Score, Class, Violations and Age.
"""

from __future__ import annotations

from typing import Any

from kube_devops.core.catalog import Component
from kube_devops.core.checks import OVERRIDE_KEYS, CheckId, Severity
from kube_devops.core.policy import (
    API_VERSION,
    CRD_NAME,
    GROUP,
    KIND,
    PLURAL,
    SHORT_NAME,
    SINGULAR,
    VERSION,
    EnforcementMode,
)
from kube_devops.core.scoring import Classification
from kube_devops.core.validation import QUANTITY_PATTERN
from kube_devops.manifests.labels import component_labels

Schema = dict[str, Any]

#: The CRD is served for the reconcile operator, which owns it.
LABELS = component_labels(Component.RECONCILE)
_SEVERITIES = [s.value for s in Severity]
_CHECKS = [c.value for c in CheckId]


def _int(description: str, minimum: int, maximum: int | None = None, fmt: str = "int32") -> Schema:
    out: Schema = {"type": "integer", "format": fmt, "minimum": minimum, "description": description}
    if maximum is not None:
        out["maximum"] = maximum
    return out


def _bool(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def _str(description: str, **extra: Any) -> Schema:
    return {"type": "string", "description": description, **extra}


def _obj(description: str, properties: dict[str, Schema], **extra: Any) -> Schema:
    return {"type": "object", "description": description, "properties": properties, **extra}


def _array(description: str, items: Schema) -> Schema:
    return {"type": "array", "description": description, "items": items}


def _nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


def spec_schema() -> Schema:
    """Schema of ``spec`` (reference §3.2 plus ``severityOverrides``)."""
    quantity = {"pattern": QUANTITY_PATTERN}
    return _obj(
        "What the policy checks in its namespace and whether it remediates.",
        {
            "forbidLatestTag": _bool("Flag unpinned images (no tag, or tag 'latest')."),
            "requireLivenessProbe": _bool("Require a livenessProbe on every container."),
            "requireReadinessProbe": _bool("Require a readinessProbe on every container."),
            "maxRestartCount": _int("Restart count above which a container is flagged.", 0),
            "forbidPendingDuration": _int(
                "Seconds a pod may stay Pending before it is flagged.", 0, fmt="int64"
            ),
            "enforcementMode": _str(
                "audit reports only; enforce patches workloads and denies at admission.",
                enum=[m.value for m in EnforcementMode],
                default=EnforcementMode.AUDIT.value,
            ),
            "defaultProbe": _obj(
                "TCP probe injected in enforce mode (port: tcpPort, else the first containerPort).",
                {
                    "tcpPort": _int("Probe port.", 1, 65535),
                    "initialDelaySeconds": _int("initialDelaySeconds (default 5).", 0),
                    "periodSeconds": _int("periodSeconds (default 10).", 1),
                },
            ),
            "defaultResources": _obj(
                "Requests/limits filled in where missing, in enforce mode.",
                {
                    "cpuRequest": _str("Default requests.cpu (100m).", **quantity),
                    "cpuLimit": _str("Default limits.cpu (500m).", **quantity),
                    "memoryRequest": _str("Default requests.memory (128Mi).", **quantity),
                    "memoryLimit": _str("Default limits.memory (256Mi).", **quantity),
                },
            ),
            "severityOverrides": _obj(
                "Severity per check, replacing the defaults.",
                {
                    key: _str(f"Severity of {c.value}.", enum=_SEVERITIES)
                    for key, c in OVERRIDE_KEYS.items()
                },
            ),
        },
    )


def status_schema() -> Schema:
    """Schema of ``status`` as the reconcile operator writes it."""
    count = "int32"
    finding = _obj(
        "One violation.",
        {
            "pod": _str("Pod name."),
            "container": _str("Container name (absent for pod-level findings).", nullable=True),
            "check": _str("Check id.", enum=_CHECKS),
            "severity": _str("Severity.", enum=_SEVERITIES),
            "message": _str("What is wrong and how to fix it."),
        },
    )
    condition = _obj(
        "A condition (type Ready).",
        {
            "type": _str("Condition type."),
            "status": _str("True, False or Unknown.", enum=["True", "False", "Unknown"]),
            "reason": _str("Machine-readable reason."),
            "message": _str("Human-readable message."),
            "lastTransitionTime": _str("When the status last changed.", format="date-time"),
            "observedGeneration": {
                **_int("Generation evaluated.", 0, fmt="int64"),
                "nullable": True,
            },
        },
        required=["type", "status"],
    )
    failure = _obj("One failure.", {"workload": _str("Workload key."), "message": _str("Error.")})
    left = _obj(
        "One violation left as is.",
        {k: _str(k) for k in ("workload", "container", "check", "reason")},
    )
    return _obj(
        "Result of the latest evaluation, written by the reconcile operator.",
        {
            "observedGeneration": _nullable(_int("Generation evaluated.", 0, fmt="int64")),
            "lastEvaluated": _str("Last evaluation (RFC 3339).", format="date-time"),
            "healthScore": _int("Score 0-100 of the namespace under this policy.", 0, 100),
            "healthy": _bool("True when healthScore >= 80."),
            "classification": _str("Class of the score.", enum=[c.value for c in Classification]),
            "violations": _int("Violation units (sum over checks).", 0, fmt=count),
            "violationsByCheck": _obj(
                "Violation units per check.", {c: _int(f"Units of {c}.", 0) for c in _CHECKS}
            ),
            "podsEvaluated": _int("Scored pods.", 0),
            "message": _str("'<v> violations across <p> pods — <Class> (<score>)'."),
            "topViolations": _array("Most severe findings.", finding),
            "conditions": _array("Conditions.", condition),
            "remediationsApplied": _nullable(_int("Workloads patched this cycle.", 0)),
            "remediationsFailed": _nullable(_int("Failed patches this cycle.", 0)),
            "remediatedWorkloads": _nullable(
                _array("kind/namespace/name patched.", {"type": "string"})
            ),
            "remediationFailures": _nullable(_array("Failed patches.", failure)),
            "notRemediable": _nullable(_array("Violations enforcement cannot repair.", left)),
        },
    )


def printer_columns() -> list[dict[str, Any]]:
    """``kubectl get dop`` columns: Mode, Score, Class, Violations, Age."""
    return [
        {"name": "Mode", "type": "string", "jsonPath": ".spec.enforcementMode"},
        {"name": "Score", "type": "integer", "jsonPath": ".status.healthScore"},
        {"name": "Class", "type": "string", "jsonPath": ".status.classification"},
        {"name": "Violations", "type": "integer", "jsonPath": ".status.violations"},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
    ]


def devopspolicy_crd() -> dict[str, Any]:
    """The complete CRD object for ``devopspolicies.devops.stochastic.io``."""
    schema = _obj(
        f"{KIND} ({API_VERSION}): governance policy for the pods of its namespace.",
        {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec_schema(),
            "status": status_schema(),
        },
        required=["spec"],
    )
    version = {
        "name": VERSION,
        "served": True,
        "storage": True,
        "schema": {"openAPIV3Schema": schema},
        "subresources": {"status": {}},
        "additionalPrinterColumns": printer_columns(),
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": CRD_NAME, "labels": dict(LABELS)},
        "spec": {
            "group": GROUP,
            "scope": "Namespaced",
            "names": {
                "kind": KIND,
                "listKind": f"{KIND}List",
                "plural": PLURAL,
                "singular": SINGULAR,
                "shortNames": [SHORT_NAME],
                "categories": ["kube-devops"],
            },
            "versions": [version],
        },
    }
