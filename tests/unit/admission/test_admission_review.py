"""AdmissionReview parsing (every malformed body is a MalformedReviewError) and rendering."""

from __future__ import annotations

import json

import pytest

from kube_devops.core.admission import AdmissionReason, AdmissionVerdict, review_for
from kube_devops.core.admission_review import (
    MalformedReviewError,
    dump_review,
    parse_review,
    render_response,
)
from tests.support.admission_data import review_body


def test_parses_the_fields_the_verdict_uses() -> None:
    request = parse_review(json.dumps(review_body("update-status-subresource")).encode())

    assert request.uid == "1a3c5e7a-9b1d-4f3a-b5c7-d9e1f3a5b7c9"
    assert request.operation == "UPDATE"
    assert (request.kind_group, request.kind, request.resource) == ("", "Pod", "pods")
    assert request.sub_resource == "status"
    assert request.namespace == "team-a"
    assert request.name == "shop-7d9c6b5f4-q8w3z"
    assert request.object is not None
    assert request.old_object is not None
    assert request.dry_run is False


def test_dry_run_and_missing_old_object() -> None:
    request = parse_review(json.dumps(review_body("create-noncompliant-dryrun")))

    assert request.dry_run is True
    assert request.old_object is None


def test_namespace_falls_back_to_the_object() -> None:
    body = review_body("create-compliant")
    del body["request"]["namespace"]

    assert parse_review(json.dumps(body)).namespace == "team-a"


@pytest.mark.parametrize(
    ("body", "uid", "reason"),
    [
        (b"", "", "body is not valid JSON: JSONDecodeError"),
        (b'{"a": "\x80\x81"}', "", "body is not valid JSON: UnicodeDecodeError"),
        (b"[" * 100_000 + b"]" * 100_000, "", "body is not valid JSON: RecursionError"),
        (b"null", "", "body is a JSON NoneType, expected an object"),
        (b"[1, 2]", "", "body is a JSON list, expected an object"),
        (b'{"request": 1}', "", "field 'request' is missing or not an object"),
        (
            b'{"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview",'
            b' "request": {"uid": "abc"}}',
            "abc",
            "apiVersion/kind must be admission.k8s.io/v1 AdmissionReview",
        ),
        (
            b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",'
            b' "request": {"uid": 42}}',
            "",
            "field 'request.uid' is missing or not a string",
        ),
    ],
    ids=["empty", "binary", "deep", "null", "list", "request-int", "v1beta1", "uid-int"],
)
def test_malformed_bodies(body: bytes, uid: str, reason: str) -> None:
    with pytest.raises(MalformedReviewError) as caught:
        parse_review(body)

    assert caught.value.uid == uid
    assert caught.value.reason == reason


def test_wrong_types_inside_request_become_empty_values() -> None:
    body = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "u-1",
            "operation": ["CREATE"],
            "kind": "Pod",
            "namespace": 7,
            "object": [],
            "dryRun": "true",
        },
    }

    request = parse_review(json.dumps(body))

    assert (request.operation, request.kind, request.namespace) == ("", "", "")
    assert request.operation_label == "UNKNOWN"
    assert request.object is None
    assert request.dry_run is False


def test_render_denial() -> None:
    answer = AdmissionVerdict(
        False, AdmissionReason.VIOLATIONS, ("w1",), 403, "denied: container app, latest_tag"
    )

    assert review_for("u-9", answer) == {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "response": {
            "uid": "u-9",
            "allowed": False,
            "status": {
                "code": 403,
                "reason": "Forbidden",
                "message": "denied: container app, latest_tag",
            },
            "warnings": ["w1"],
        },
    }


def test_render_allow_is_minimal_and_ascii() -> None:
    review = render_response("\u00e9\ud800", allowed=True)

    assert dump_review(review) == (
        b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",'
        b'"response":{"uid":"\\u00e9\\ud800","allowed":true}}'
    )
