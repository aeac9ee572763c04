"""Which field of a pod object does not have the shape scoring reads (for the skip message).

``malformed_field(pod) -> str`` names the first field that is not what the Kubernetes schema
says — ``"spec.containers: expected a list, got str"`` — checking only the fields evaluation
reads (metadata, spec, status, the container lists and their entries); an empty string means no
such field was found. The watch calls it only after an evaluation failed (its hot path stays
untouched); ``split_malformed(pods) -> (wellformed, skipped)`` sorts a whole list, e.g. the pods a
policy is evaluated over, into those that can be scored and ``"namespace/name: field"`` notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kube_devops.core.meta import Meta

#: The reason label of ``pods_skipped`` for a pod whose fields have the wrong shape.
MALFORMED = "malformed"

_MAPPINGS = ("metadata", "spec", "status")
_LISTS = (("spec", "containers"), ("spec", "initContainers"), ("status", "containerStatuses"))


def malformed_field(pod: Any) -> str:
    """The first wrongly shaped field of ``pod`` and what was found (see the module docstring)."""
    if not isinstance(pod, Mapping):
        return f"object: expected a mapping, got {type(pod).__name__}"
    for key in _MAPPINGS:
        value = pod.get(key)
        if value is not None and not isinstance(value, Mapping):
            return f"{key}: expected a mapping, got {type(value).__name__}"
    for parent, key in _LISTS:
        items = (pod.get(parent) or {}).get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            return f"{parent}.{key}: expected a list, got {type(items).__name__}"
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                return f"{parent}.{key}[{index}]: expected a mapping, got {type(item).__name__}"
    return ""


def split_malformed(pods: Iterable[Any]) -> tuple[list[Any], list[str]]:
    """The pods that can be scored, and one ``"namespace/name: field"`` note per other pod."""
    wellformed: list[Any] = []
    skipped: list[str] = []
    for pod in pods:
        field = malformed_field(pod)
        if not field:
            wellformed.append(pod)
        else:
            meta = pod.get("metadata") if isinstance(pod, Mapping) else None
            skipped.append(f"{Meta(meta).key}: {field}")
    return wellformed, skipped
