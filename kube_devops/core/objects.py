"""Checking loaded documents before evaluation: is it a Kubernetes object, is its pod well formed.

Offline input (files, stdin) is untrusted; these checks turn a malformed document into one
``ObjectError`` line naming the source, the object, the field and the fix, instead of a traceback
deep inside evaluation. Lists (``kind: List`` or ``...List`` with ``items``, as ``kubectl get -o
yaml`` prints them) are expanded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kube_devops.core.meta import Meta
from kube_devops.core.workloads import TEMPLATE_KINDS


class ObjectError(ValueError):
    """A document that cannot be analysed; the message names source, object, field and fix."""

    def __init__(self, where: str, field: str, problem: str, fix: str) -> None:
        super().__init__(
            f"{where}: {field}: {problem}; {fix}" if field else f"{where}: {problem}; {fix}"
        )
        self.where = where
        self.field = field


def label(obj: Mapping[str, Any]) -> str:
    """``Kind/namespace/name`` of an object for messages (rules of ``Meta``)."""
    return Meta.of(obj).label(obj.get("kind"))


def expand(doc: object, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield ``(where, object)`` for a document: itself, or the items of a List."""
    obj = check_object(doc, where)
    kind = str(obj["kind"])
    if kind.endswith("List") and isinstance(obj.get("items"), list):
        for i, item in enumerate(obj["items"]):
            yield from expand(item, f"{where} items[{i}]")
        return
    yield where, obj


def check_object(doc: object, where: str) -> Mapping[str, Any]:
    """``doc`` if it is a Kubernetes object (apiVersion, kind, metadata.name); else ObjectError."""
    fix = "each document needs apiVersion, kind and metadata.name"
    if not isinstance(doc, Mapping):
        raise ObjectError(where, "", f"not a Kubernetes object (got {_kind(doc)})", fix)
    for key in ("apiVersion", "kind"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise ObjectError(where, key, "missing; not a Kubernetes object", fix)
    if str(doc["kind"]).endswith("List") and "items" in doc:
        return doc
    meta = doc.get("metadata")
    if not isinstance(meta, Mapping):
        raise ObjectError(f"{where} ({doc['kind']})", "metadata", "missing or not a mapping", fix)
    if not isinstance(meta.get("name"), str) or not meta["name"]:
        raise ObjectError(f"{where} ({doc['kind']})", "metadata.name", "missing", fix)
    if meta.get("namespace") is not None and not isinstance(meta["namespace"], str):
        raise ObjectError(
            f"{where} ({label(doc)})",
            "metadata.namespace",
            "not a string",
            "write the namespace name",
        )
    return doc


def pod_spec_path(kind: str) -> str:
    """Field path of the pod spec inside an object of ``kind``."""
    if kind in TEMPLATE_KINDS:
        return "spec.template.spec"
    if kind == "CronJob":
        return "spec.jobTemplate.spec.template.spec"
    return "spec"


def check_pod_shape(pod: Mapping[str, Any], *, where: str, spec_path: str = "spec") -> None:
    """Raise ObjectError when fields that evaluation reads have the wrong type."""
    _check_spec(pod.get("spec"), where, spec_path)
    _check_status(pod.get("status"), where)


def _check_spec(spec: Any, where: str, spec_path: str) -> None:
    if spec is not None and not isinstance(spec, Mapping):
        raise ObjectError(
            where,
            spec_path,
            f"expected a mapping, got {_kind(spec)}",
            "write the pod spec as key: value pairs",
        )
    for key in ("containers", "initContainers"):
        for i, c in enumerate(_entries(spec or {}, key, where, f"{spec_path}.{key}")):
            at = f"{spec_path}.{key}[{i}]"
            for field in ("name", "image", "restartPolicy"):
                if c.get(field) is not None and not isinstance(c[field], str):
                    raise ObjectError(
                        where,
                        f"{at}.{field}",
                        f"{c[field]!r} is not a string",
                        f"write the {field} as a string",
                    )


def _check_status(status: Any, where: str) -> None:
    if status is None:
        return
    if not isinstance(status, Mapping):
        raise ObjectError(
            where,
            "status",
            f"expected a mapping, got {_kind(status)}",
            "remove it or write key: value pairs",
        )
    statuses = _entries(status, "containerStatuses", where, "status.containerStatuses")
    for i, cs in enumerate(statuses):
        count = cs.get("restartCount")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise ObjectError(
                where,
                f"status.containerStatuses[{i}].restartCount",
                f"{count!r} is not an integer",
                "use a whole number",
            )


def _entries(parent: Mapping[str, Any], key: str, where: str, path: str) -> list[Mapping[str, Any]]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ObjectError(
            where,
            path,
            f"expected a list, got {_kind(value)}",
            "write a list of mappings (- name: ...)",
        )
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise ObjectError(
                where,
                f"{path}[{i}]",
                f"expected a mapping, got {_kind(item)}",
                "write name: ... and image: ...",
            )
    return value


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
