"""AdmissionReview ``admission.k8s.io/v1``: parse a request body, render a response body.

Parsing never raises anything but :class:`MalformedReviewError`, whatever the bytes hold (invalid
JSON, wrong types, deep nesting, binary); the error carries the request uid when one could be
read, so the answer still echoes it. Rendering always produces a well-formed review.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from kube_devops.core.bodies import RawAdmissionRequest
from kube_devops.core.meta import Meta

API_VERSION = "admission.k8s.io/v1"
KIND = "AdmissionReview"

#: Operations the API server sends; anything else is reported as ``UNKNOWN``.
OPERATIONS = frozenset({"CREATE", "UPDATE", "DELETE", "CONNECT"})


class MalformedReviewError(ValueError):
    """The body is not a usable AdmissionReview; ``uid`` is echoed when it could be read."""

    def __init__(self, reason: str, uid: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.uid = uid


@dataclass(frozen=True, slots=True)
class AdmissionRequest:
    """The fields of ``request`` the verdict uses; every field has its wire type."""

    uid: str
    operation: str
    kind_group: str
    kind: str
    resource: str
    sub_resource: str
    namespace: str
    name: str
    object: Mapping[str, Any] | None
    old_object: Mapping[str, Any] | None
    dry_run: bool

    @property
    def operation_label(self) -> str:
        """``operation`` bounded to the API server's verbs, safe as a metric label."""
        return self.operation if self.operation in OPERATIONS else "UNKNOWN"


def parse_review(body: bytes | str) -> AdmissionRequest:
    """Parse an AdmissionReview body; raise :class:`MalformedReviewError` naming what is wrong."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as err:  # JSONDecodeError and UnicodeDecodeError
        raise MalformedReviewError(f"body is not valid JSON: {type(err).__name__}") from None
    if not isinstance(doc, dict):
        raise MalformedReviewError(f"body is a JSON {type(doc).__name__}, expected an object")
    request = doc.get("request")
    if not isinstance(request, dict):
        raise MalformedReviewError("field 'request' is missing or not an object")
    uid = request.get("uid")
    uid = uid if isinstance(uid, str) else ""
    if doc.get("apiVersion") != API_VERSION or doc.get("kind") != KIND:
        raise MalformedReviewError(f"apiVersion/kind must be {API_VERSION} {KIND}", uid)
    if not uid:
        raise MalformedReviewError("field 'request.uid' is missing or not a string")
    return _request(cast(RawAdmissionRequest, request), uid)


def _request(request: RawAdmissionRequest, uid: str) -> AdmissionRequest:
    kind = _mapping(request.get("kind"))
    resource = _mapping(request.get("resource"))
    obj = request.get("object")
    old = request.get("oldObject")
    return AdmissionRequest(
        uid=uid,
        operation=_text(request.get("operation")),
        kind_group=_text(kind.get("group")),
        kind=_text(kind.get("kind")),
        resource=_text(resource.get("resource")),
        sub_resource=_text(request.get("subResource")),
        namespace=_text(request.get("namespace")) or _object_namespace(obj),
        name=_text(request.get("name")),
        object=obj if isinstance(obj, dict) else None,
        old_object=old if isinstance(old, dict) else None,
        dry_run=request.get("dryRun") is True,
    )


def _object_namespace(obj: object) -> str:
    """The object's own namespace, as written ("" when it names none: the request decides)."""
    return (Meta.of(obj).declared_namespace or "") if isinstance(obj, dict) else ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


#: The Kubernetes ``Status`` reason of each code the webhook answers with: the API server passes
#: it on, and kubectl then prints "Error from server (Forbidden): ..." as for its own refusals.
STATUS_REASONS = {
    400: "BadRequest",
    403: "Forbidden",
    500: "InternalError",
    503: "ServiceUnavailable",
}


def render_response(
    uid: str,
    *,
    allowed: bool,
    warnings: Sequence[str] = (),
    code: int | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    """The AdmissionReview answer as a dict; ``status`` only when a code or message is given
    (with the code's ``reason`` from :data:`STATUS_REASONS`)."""
    response: dict[str, Any] = {"uid": uid, "allowed": allowed}
    if code is not None or message is not None:
        status: dict[str, Any] = {}
        if code is not None:
            status["code"] = code
            if code in STATUS_REASONS:
                status["reason"] = STATUS_REASONS[code]
        if message is not None:
            status["message"] = message
        response["status"] = status
    if warnings:
        response["warnings"] = list(warnings)
    return {"apiVersion": API_VERSION, "kind": KIND, "response": response}


def dump_review(review: Mapping[str, Any]) -> bytes:
    """Serialise a rendered review; always ASCII, so any uid or message survives."""
    return json.dumps(review, separators=(",", ":")).encode("ascii")
