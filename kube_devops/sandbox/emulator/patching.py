"""PATCH as kube-apiserver does it: the ``Content-Type`` decides how the body is applied.

- ``patch_type(request)`` — ``JSON``, ``MERGE``, ``STRATEGIC`` or ``APPLY`` from the request's
  ``Content-Type`` (415 Unsupported Media Type for any other);
- ``patch_type_of(request)`` — the same, ``None`` for a write that is not a PATCH;
- ``patch_body(request)`` — the decoded body (an apply patch may be YAML);
- ``patched(old, kind, body, custom=...)`` — ``old`` with the patch applied: RFC 6902 (a list
  of operations, ``test`` honoured), RFC 7386 merge patch, strategic merge patch (built-in kinds
  only: a custom resource answers 415, as the real server does) or server-side apply; a body of
  the wrong shape answers 400 Bad Request.
- ``check_encoding(request)`` — 415 for a protobuf or CBOR body (kubectl's typed generators,
  e.g. ``kubectl create namespace``, send protobuf; the emulator reads JSON and YAML only);
- ``dry_run(request)`` — whether the write asks for ``dryRun=All`` (query or DeleteOptions);
- ``check_apply(request, body)`` — an apply needs ``fieldManager`` and a body naming the same
  object as the URL (400 otherwise).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import kmock
import yaml

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta

from .strategic import apply_merge, strategic_merge
from .table import error, json_patch, merge


class PatchType(StrEnum):
    """The patch content types kube-apiserver accepts."""

    JSON = "application/json-patch+json"
    MERGE = "application/merge-patch+json"
    STRATEGIC = "application/strategic-merge-patch+json"
    APPLY = "application/apply-patch+yaml"


_UNKNOWN_FORMAT = (
    "the body of the request was in an unknown format - accepted media types include: "
)
_BINARY = frozenset({"application/vnd.kubernetes.protobuf", "application/cbor"})


def _unsupported(accepted: list[PatchType]) -> kmock.KubernetesError:
    return error(415, "UnsupportedMediaType", _UNKNOWN_FORMAT + ", ".join(accepted))


def patch_type(request: kmock.Request) -> PatchType:
    """The patch type named by the request's ``Content-Type`` (415 when none is)."""
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    try:
        return PatchType(content_type)
    except ValueError:
        raise _unsupported(list(PatchType)) from None


def patch_type_of(request: kmock.Request) -> PatchType | None:
    """The patch type of a PATCH request, ``None`` for any other write."""
    return patch_type(request) if request.method == kmock.method.PATCH else None


def check_encoding(request: kmock.Request) -> None:
    """415 for a body in an encoding the emulator cannot read (protobuf, CBOR): client-go then
    sends it again as JSON."""
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if request.body and content_type in _BINARY:
        hint = " (this emulated API reads JSON bodies only: use kubectl apply -f or create -f)"
        raise error(415, "UnsupportedMediaType", f"{_UNKNOWN_FORMAT}application/json{hint}")


def patch_body(request: kmock.Request) -> Any:
    """The patch as decoded JSON (or YAML, for an apply patch)."""
    if request.data is not None or not request.text.strip():
        return request.data
    try:
        return yaml.safe_load(request.text)
    except yaml.YAMLError as err:
        raise error(400, "BadRequest", f"the patch is neither JSON nor YAML: {err}") from err


def patched(old: JsonDict, kind: PatchType, body: Any, *, custom: bool) -> JsonDict:
    """``old`` with the patch ``body`` of type ``kind`` applied (see the module docstring)."""
    if kind == PatchType.JSON:
        if not isinstance(body, list):
            raise error(400, "BadRequest", "a JSON patch must be a list of operations")
        return json_patch(old, body)
    if not isinstance(body, dict):
        raise error(400, "BadRequest", f"a {kind} body must be a JSON object")
    if kind == PatchType.MERGE:
        result: JsonDict = merge(old, body)
    elif kind == PatchType.STRATEGIC:
        if custom:
            raise _unsupported([PatchType.JSON, PatchType.MERGE, PatchType.APPLY])
        result = strategic_merge(old, body)
    else:
        result = apply_merge(old, body)
    return result


def check_apply(request: kmock.Request, body: Any) -> JsonDict:
    """The apply ``body`` once checked (400 Bad Request naming what is wrong)."""
    if not request.params.get("fieldManager"):
        raise error(400, "BadRequest", "fieldManager is required for apply requests")
    if not isinstance(body, dict):
        raise error(400, "BadRequest", "an apply patch must be an object")
    name = Meta.of(body).name
    if name != request.name:
        raise error(
            400,
            "BadRequest",
            f"the name of the object ({name}) does not match the name on the URL ({request.name})",
        )
    return body


def dry_run(request: kmock.Request) -> bool:
    """``dryRun=All`` in the query, or in the DeleteOptions body of a DELETE."""
    options = request.data if request.action == kmock.action.DELETE else None
    in_body = isinstance(options, dict) and "All" in (options.get("dryRun") or [])
    return request.params.get("dryRun") == "All" or in_body
