"""A pod whose fields have the wrong shape gets a clear verdict naming the field, never a false
"compliant" (and never an error)."""

from __future__ import annotations

import dataclasses

from kube_devops.core.admission import AdmissionReason, AdmissionSettings, verdict
from kube_devops.core.admission_review import AdmissionRequest
from kube_devops.core.policy import DEFAULT_POLICY, EnforcementMode, Policy

ENFORCE = Policy(
    "shop", "strict", dataclasses.replace(DEFAULT_POLICY, enforcement_mode=EnforcementMode.ENFORCE)
)


def _request(obj: dict[str, object]) -> AdmissionRequest:
    return AdmissionRequest(
        uid="u-1", operation="CREATE", kind_group="", kind="Pod", resource="pods",
        sub_resource="", namespace="shop", name="web", object=obj, old_object=None,
        dry_run=False,
    )  # fmt: skip


def test_a_malformed_pod_is_allowed_fail_open_with_the_field_named() -> None:
    answer = verdict(_request({"spec": {"containers": "string"}}), [ENFORCE], AdmissionSettings())
    assert answer.allowed is True
    assert answer.reason is AdmissionReason.FAIL_OPEN
    assert answer.warnings == (
        "kube-devops webhook allowed without checks: the pod is malformed "
        "(spec.containers: expected a list, got str)",
    )


def test_a_malformed_pod_is_denied_fail_closed_with_the_field_named() -> None:
    settings = AdmissionSettings(fail_closed=True)
    answer = verdict(_request({"spec": {"containers": [7]}}), [ENFORCE], settings)
    assert answer.allowed is False
    assert answer.code == 400
    assert answer.message == (
        "kube-devops webhook cannot judge: the pod is malformed "
        "(spec.containers[0]: expected a mapping, got int)"
    )
