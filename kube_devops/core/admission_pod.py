"""The admission view of a pod: its spec reduced to what admission-visible checks read.

Admission bodies come from outside, so every field may have any type. :func:`admission_pod`
copies only the container names, images, probes and restart policies, each coerced to the type
the evaluator expects, and drops ``status`` (restarts and pending are not for admission).
:func:`admission_findings` evaluates that view and keeps the admission-visible findings.

Ephemeral containers are not judged: they are added through the ``ephemeralcontainers``
subresource (always allowed), cannot carry probes, and exist only for debugging.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kube_devops.core.bodies import Container, Pod, PodSpec
from kube_devops.core.checks import CHECKS
from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.findings import Finding
from kube_devops.core.meta import Meta
from kube_devops.core.namespaces import NO_SYSTEM_NAMESPACES
from kube_devops.core.policy import PolicySpec

_VISIBLE = frozenset(c for c, check in CHECKS.items() if check.admission_visible)


def admission_pod(obj: Mapping[str, Any], namespace: str) -> Pod:
    """A well-typed pod dict holding only what admission-visible checks need."""
    spec = obj.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    clean: PodSpec = {}
    containers = _containers(spec, "containers")
    if containers is not None:
        clean["containers"] = containers
    init = _containers(spec, "initContainers")
    if init is not None:
        clean["initContainers"] = init
    return {
        "metadata": {"namespace": namespace, "name": Meta.of(obj).name},
        "spec": clean,
    }


def _containers(spec: Mapping[str, Any], key: str) -> list[Container] | None:
    items = spec.get(key)
    if not isinstance(items, list):
        return None
    return [_container(item, key, i) for i, item in enumerate(items)]


def _container(item: object, key: str, index: int) -> Container:
    c = item if isinstance(item, dict) else {}
    name = c.get("name")
    image = c.get("image")
    return {
        "name": name if isinstance(name, str) and name else f"{key}[{index}]",
        "image": image if isinstance(image, str) else None,
        "livenessProbe": _probe(c.get("livenessProbe")),
        "readinessProbe": _probe(c.get("readinessProbe")),
        "restartPolicy": c.get("restartPolicy") if c.get("restartPolicy") == "Always" else None,
    }


def _probe(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) and value else None


#: Every admission-visible check switched on: a pod is evaluated once, then each policy keeps
#: the findings of its own checks (:func:`policy_findings`).
ALL_VISIBLE = PolicySpec(
    forbid_latest_tag=True, require_liveness_probe=True, require_readiness_probe=True
)


def admission_findings(pod: Mapping[str, Any]) -> tuple[Finding, ...]:
    """Every admission-visible finding of an :func:`admission_pod` view (default severities)."""
    result = evaluate_pod(pod, ALL_VISIBLE, now=0.0, namespaces=NO_SYSTEM_NAMESPACES)
    return tuple(f for f in result.findings if f.check in _VISIBLE)


def policy_findings(findings: tuple[Finding, ...], spec: PolicySpec) -> list[Finding]:
    """The ``findings`` of checks ``spec`` enables, with ``spec``'s severities."""
    enabled, severities = spec.enabled, spec.severities
    kept = []
    for f in findings:
        if getattr(enabled, f.check):
            severity = getattr(severities, f.check)
            kept.append(f if f.severity is severity else replace(f, severity=severity))
    return kept
