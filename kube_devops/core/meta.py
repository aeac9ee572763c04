"""One read-only view of an object's metadata, with the namespace default and missing-name rule.

Every module reads ``metadata`` through ``Meta.of(obj)`` instead of digging in the dict. The two
rules are defined here once:

- a namespaced object without a namespace (or with an empty one) is in ``IMPLICIT_NAMESPACE``
  (``default``), as the API server places it;
- a missing, empty or non-string name reads as ``""`` (never ``'None'``), so the key of such an
  object is ``"<namespace>/"``; only messages (``Meta.label``) show it as ``?``.

Hot paths use ``object_key`` (the key without building a view); pod evaluation applies the same
rules inline on the raw dict, reading the constants here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from kube_devops.core.bodies import OwnerReference

#: Namespace of a namespaced object whose metadata names none.
IMPLICIT_NAMESPACE = "default"
_EMPTY: Mapping[str, Any] = {}


class Meta:
    """The ``metadata`` of one object (absent or malformed metadata reads as empty)."""

    __slots__ = ("raw",)

    def __init__(self, raw: object) -> None:
        self.raw: Mapping[str, Any] = raw if isinstance(raw, dict | Mapping) else _EMPTY
        """The metadata mapping itself (empty when the object has none)."""

    @classmethod
    def of(cls, obj: Mapping[str, Any]) -> Meta:
        """The metadata view of ``obj`` (any API object as a mapping)."""
        return cls(obj.get("metadata"))

    @property
    def name(self) -> str:
        """``metadata.name``; ``""`` when missing, empty or not a string."""
        name = self.raw.get("name")
        return name if isinstance(name, str) else ""

    @property
    def namespace(self) -> str:
        """``metadata.namespace``; ``IMPLICIT_NAMESPACE`` when missing, empty or not a string."""
        namespace = self.raw.get("namespace")
        return namespace if isinstance(namespace, str) and namespace else IMPLICIT_NAMESPACE

    @property
    def declared_namespace(self) -> str | None:
        """``metadata.namespace`` as written; None when missing or empty (no default applied)."""
        namespace = self.raw.get("namespace")
        return namespace if isinstance(namespace, str) and namespace else None

    @property
    def key(self) -> str:
        """``namespace/name`` under the rules above."""
        return f"{self.namespace}/{self.name}"

    def label(self, kind: object) -> str:
        """``Kind/namespace/name`` for messages; a missing name shows as ``?``."""
        return f"{kind}/{self.namespace}/{self.name or '?'}"

    @property
    def uid(self) -> str | None:
        """``metadata.uid``."""
        return _text(self.raw.get("uid"))

    @property
    def generation(self) -> int | None:
        """``metadata.generation`` (None when missing or not an integer)."""
        value = self.raw.get("generation")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def resource_version(self) -> str | None:
        """``metadata.resourceVersion``."""
        return _text(self.raw.get("resourceVersion"))

    @property
    def creation_timestamp(self) -> object:
        """``metadata.creationTimestamp`` as stored (RFC 3339 text, or a datetime)."""
        return self.raw.get("creationTimestamp")

    @property
    def deletion_timestamp(self) -> object:
        """``metadata.deletionTimestamp`` as stored; None while the object is not being deleted."""
        return self.raw.get("deletionTimestamp")

    @property
    def labels(self) -> Mapping[str, str]:
        """``metadata.labels`` (empty when missing)."""
        return _mapping(self.raw.get("labels"))

    @property
    def annotations(self) -> Mapping[str, str]:
        """``metadata.annotations`` (empty when missing)."""
        return _mapping(self.raw.get("annotations"))

    @property
    def owner_references(self) -> list[OwnerReference]:
        """``metadata.ownerReferences``, skipping empty or malformed entries."""
        refs = self.raw.get("ownerReferences")
        if not isinstance(refs, list):
            return []
        return [cast(OwnerReference, r) for r in refs if isinstance(r, Mapping) and r]

    @property
    def finalizers(self) -> list[str] | None:
        """``metadata.finalizers``; None when the field is absent or not a list."""
        value = self.raw.get("finalizers")
        return [str(f) for f in value] if isinstance(value, list) else None

    @property
    def has_finalizers_field(self) -> bool:
        """Whether ``metadata.finalizers`` is present at all (a JSON patch must add it first)."""
        return "finalizers" in self.raw

    @property
    def list_continue(self) -> str | None:
        """``metadata.continue`` of a list page; None on the last page."""
        return _text(self.raw.get("continue")) or None


def object_key(obj: Mapping[str, Any]) -> str:
    """``Meta.of(obj).key``, computed without building the view (watch-event hot path)."""
    meta = obj.get("metadata")
    if type(meta) is not dict:
        return Meta(meta).key
    namespace, name = meta.get("namespace"), meta.get("name")
    if type(namespace) is not str or not namespace:
        namespace = IMPLICIT_NAMESPACE
    return f"{namespace}/{name if type(name) is str else ''}"


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _mapping(value: object) -> Mapping[str, str]:
    return cast(Mapping[str, str], value) if isinstance(value, Mapping) else {}
