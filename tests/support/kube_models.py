"""Typed access to the official client's models in tests.

The client's annotations ask for model objects (``V1Pod``) where it also accepts plain dicts,
which it sends as given; and every model field is optional. ``body`` states that a dict is sent
as the body, ``meta``/``list_meta``/``spec`` read a field the server always sets and ``json_object``
checks an untyped answer, failing
clearly when it is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar, cast

from kubernetes.client import V1ListMeta, V1ObjectMeta

M = TypeVar("M")
S = TypeVar("S", covariant=True)


def body(model: type[M], raw: Mapping[str, Any]) -> M:
    """``raw`` as the request body where the client's annotation says ``model``."""
    del model  # the type to satisfy; the client serialises the dict itself
    return cast(M, raw)


class _Object(Protocol):
    @property
    def metadata(self) -> V1ObjectMeta | None: ...


class _List(Protocol):
    @property
    def metadata(self) -> V1ListMeta | None: ...


class _WithSpec(Protocol[S]):
    @property
    def spec(self) -> S | None: ...


def meta(obj: _Object) -> V1ObjectMeta:
    """The object's metadata (the server always sets it)."""
    assert obj.metadata is not None, f"no metadata on {obj!r}"
    return obj.metadata


def list_meta(obj: _List) -> V1ListMeta:
    """The list's metadata (the server always sets it)."""
    assert obj.metadata is not None, f"no list metadata on {obj!r}"
    return obj.metadata


def spec(obj: _WithSpec[S]) -> S:
    """The object's spec, which the test wrote."""
    assert obj.spec is not None, f"no spec on {obj!r}"
    return obj.spec


def json_object(answer: object) -> dict[str, Any]:
    """A JSON object the client returns untyped (custom objects): checked to be one."""
    assert isinstance(answer, dict), f"not a JSON object: {answer!r}"
    return cast(dict[str, Any], answer)


def as_json(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A typed body (``TypedDict``) as the plain dict the custom-objects client annotates."""
    return dict(obj)
