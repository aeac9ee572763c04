"""The verdict for every stored AdmissionReview under the policies of each case."""

from __future__ import annotations

import json

import pytest

from kube_devops.core.admission import AdmissionSettings, verdict
from kube_devops.core.admission_review import parse_review
from kube_devops.core.checks import Severity
from kube_devops.core.policy import parse_policy
from tests.support.admission_data import Case, cases, policy_objects, review_body

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_verdict(case: Case) -> None:
    body = review_body(case["review"])
    if "namespace" in case:
        body["request"]["namespace"] = case["namespace"]
    request = parse_review(json.dumps(body))
    objs = policy_objects()
    names = case["policies"]
    policies = None if names is None else [parse_policy(objs[n]) for n in names]
    settings = AdmissionSettings(
        deny_severity=Severity(case.get("deny_severity", "high")),
        fail_closed=case.get("fail_closed", False),
    )

    answer = verdict(request, policies, settings)

    expect = case["expect"]
    assert answer.allowed is expect["allowed"]
    assert answer.reason == expect["reason"]
    assert answer.code == expect.get("code")
    assert [[v.container, v.check.value] for v in answer.denials] == expect["denied"]
    assert len(answer.warnings) == expect["warnings"]


def test_denial_message_lists_container_and_check() -> None:
    request = parse_review(json.dumps(review_body("create-noncompliant")))
    policy = parse_policy(policy_objects()["enforce-all"])

    answer = verdict(request, [policy], AdmissionSettings())

    assert answer.message is not None
    assert answer.message.startswith("denied by DevOpsPolicy, 2 violation(s): ")
    assert "(1) container app, check latest_tag [high, policy team-a/enforce-all]" in answer.message
    assert "(2) container log-shipper, check latest_tag [high, policy team-a/enforce-all]" in (
        answer.message
    )
    assert "'fluent/fluent-bit:LATEST' is not pinned" in answer.message


def test_warnings_name_policy_check_and_whether_the_violation_is_old() -> None:
    request = parse_review(json.dumps(review_body("update-labels-only")))
    policy = parse_policy(policy_objects()["enforce-all"])

    answer = verdict(request, [policy], AdmissionSettings())

    assert answer.warnings[0] == (
        "DevOpsPolicy team-a/enforce-all (enforce): latest_tag [high] container app: image"
        " 'registry.local:5000/team/shop' is not pinned (no tag or tag 'latest'); pin a version"
        " tag or a digest; already present before this update"
    )


def test_fail_open_warning_says_why() -> None:
    request = parse_review(json.dumps(review_body("create-noncompliant")))

    answer = verdict(request, None, AdmissionSettings())

    assert answer.warnings == (
        "kube-devops webhook allowed without checks: policy cache not synced",
    )


def test_warnings_are_capped_with_a_count_of_the_rest() -> None:
    body = review_body("create-compliant")
    body["request"]["object"]["spec"]["containers"] = [
        {"name": f"c{i}", "image": "nginx"} for i in range(10)
    ]
    request = parse_review(json.dumps(body))
    policy = parse_policy(policy_objects()["audit-all"])

    answer = verdict(request, [policy], AdmissionSettings())

    # 10 containers x 3 checks = 30 warnings: 19 kept, then one line for the other 11.
    assert len(answer.warnings) == 20
    assert answer.warnings[-1] == "... and 11 more DevOpsPolicy warnings"


def test_the_same_violation_from_two_enforce_policies_is_denied_once() -> None:
    request = parse_review(json.dumps(review_body("update-new-latest")))
    objs = policy_objects()
    policies = [parse_policy(objs["enforce-strict"]), parse_policy(objs["enforce-all"])]

    answer = verdict(request, policies, AdmissionSettings())

    assert [(v.policy, v.container, v.check.value) for v in answer.denials] == [
        ("team-a/enforce-all", "app", "latest_tag")
    ]
