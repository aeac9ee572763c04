"""Every admission answer names its reason from one vocabulary, AdmissionReason."""

from __future__ import annotations

import pytest

from kube_devops.core.admission import (
    AdmissionReason,
    AdmissionSettings,
    AdmissionVerdict,
    verdict,
)
from kube_devops.core.admission_review import AdmissionRequest


def _request(operation: str, *, kind: str = "Pod", sub_resource: str = "") -> AdmissionRequest:
    return AdmissionRequest(
        uid="u-1",
        operation=operation,
        kind_group="",
        kind=kind,
        resource="pods",
        sub_resource=sub_resource,
        namespace="shop",
        name="web",
        object={"spec": {"containers": [{"name": "c", "image": "nginx:1.27.0"}]}},
        old_object=None,
        dry_run=False,
    )


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (_request("DELETE"), "operation-delete"),
        (_request("CONNECT"), "operation-connect"),
        (_request("PATCH"), "operation-unknown"),
        (_request("CREATE", sub_resource="status"), "subresource"),
        (_request("CREATE", kind="Deployment"), "not-a-pod"),
        (_request("CREATE"), "no-policy"),
    ],
)
def test_requests_that_are_not_judged(request_: AdmissionRequest, reason: str) -> None:
    answer = verdict(request_, [], AdmissionSettings())
    assert isinstance(answer, AdmissionVerdict)
    assert (answer.allowed, answer.reason) == (True, reason)
    assert isinstance(answer.reason, AdmissionReason)


def test_the_vocabulary() -> None:
    assert [r.value for r in AdmissionReason] == [
        "compliant", "violations-warned", "violations", "no-policy", "subresource",
        "not-a-pod", "system-namespace", "operation-delete", "operation-connect",
        "operation-unknown", "fail-open", "fail-closed",
    ]  # fmt: skip
