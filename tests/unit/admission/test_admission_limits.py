"""A pod with 10,000 containers gets a small answer: denials and warnings capped and summed up."""

from __future__ import annotations

import json

from kube_devops.core.admission import AdmissionSettings, review_for, verdict
from kube_devops.core.admission_review import dump_review, parse_review
from kube_devops.core.checks import Severity
from kube_devops.core.policy import parse_policy
from tests.support.admission_data import policy_objects, review_body


def _pod_of(containers: list[dict[str, str]]) -> bytes:
    body = review_body("create-compliant")
    body["request"]["object"]["spec"]["containers"] = containers
    return json.dumps(body).encode()


def test_ten_thousand_containers_get_a_message_of_twenty_violations_and_a_sum() -> None:
    containers = [{"name": f"c{i}", "image": "nginx"} for i in range(10_000)]
    request = parse_review(_pod_of(containers))
    policy = parse_policy(policy_objects()["enforce-all"])

    answer = verdict(request, [policy], AdmissionSettings())

    # enforce-all, deny from high: each container's latest_tag denies (10,000), its missing
    # liveness (medium) and readiness (low) probes warn (20,000)
    message = answer.message
    assert message is not None
    assert len(answer.denials) == 10_000
    assert message.startswith(
        "denied by DevOpsPolicy, 10000 violation(s): (1) container c0, check latest_tag [high,"
        " policy team-a/enforce-all]: container c0: image 'nginx' is not pinned"
    )
    assert "(20) container c19, check latest_tag" in message
    assert "(21)" not in message
    assert message.endswith(" ... and 9980 more: 9980 latest_tag")
    assert len(message) < 6_400  # it was 1.3 MB: every violation listed
    assert len(answer.warnings) == 20
    assert answer.warnings[-1] == "... and 19981 more DevOpsPolicy warnings"
    assert len(dump_review(review_for(request.uid, answer))) < 16 * 1024


def test_a_long_violation_is_cut_and_the_rest_is_summed_per_check() -> None:
    image = "registry.example/" + "x" * 2_000
    containers = [{"name": "long", "image": image}]
    containers += [{"name": f"c{i}", "image": "nginx"} for i in range(25)]
    request = parse_review(_pod_of(containers))
    policy = parse_policy(policy_objects()["enforce-all"])

    answer = verdict(request, [policy], AdmissionSettings(deny_severity=Severity.MEDIUM))

    message = answer.message
    assert message is not None
    first = message.split(" (2) ")[0].removeprefix("denied by DevOpsPolicy, 52 violation(s): ")
    assert len(first) == 300
    assert first.endswith("xxx...")
    # 26 containers x (latest_tag, missing_liveness) = 52; 20 listed, 32 summed up
    assert message.endswith(" ... and 32 more: 16 latest_tag, 16 missing_liveness")


def test_a_long_warning_is_cut() -> None:
    containers = [{"name": "long", "image": "registry.example/" + "x" * 2_000}]
    request = parse_review(_pod_of(containers))
    policy = parse_policy(policy_objects()["audit-all"])

    answer = verdict(request, [policy], AdmissionSettings())

    assert answer.warnings[1:] == (
        "DevOpsPolicy team-a/audit-all (audit): missing_liveness [medium] container long: no"
        " livenessProbe; add one",
        "DevOpsPolicy team-a/audit-all (audit): missing_readiness [low] container long: no"
        " readinessProbe; add one",
    )
    assert len(answer.warnings[0]) == 300
    assert answer.warnings[0].startswith(
        "DevOpsPolicy team-a/audit-all (audit): latest_tag [high] container long: image"
    )
    assert answer.warnings[0].endswith("xxx...")
