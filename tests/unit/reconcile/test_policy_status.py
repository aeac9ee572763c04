"""Policy status: hand-computed scores, top violations, conditions and the remediation fields."""

from __future__ import annotations

from typing import Any

from kube_devops.core.evaluation import PodResult, evaluate_pod
from kube_devops.core.policy import DEFAULT_POLICY, Policy
from kube_devops.core.policy_conditions import failed_status
from kube_devops.core.policy_evaluation import PatchFailure, RemediationSummary
from kube_devops.core.policy_status import build_status
from kube_devops.core.remediation_model import NotRemediable
from kube_devops.core.times import rfc3339

NOW = 1_700_000_000.25  # 2023-11-14T22:13:20.250Z
POLICY = Policy("shop", "all-checks", DEFAULT_POLICY, generation=4)
BARE = {"image": "nginx"}  # unpinned, no probes: latest + liveness + readiness = 5 + 3 + 2 = 10
GOOD = {"image": "nginx:1.25", "livenessProbe": {"x": 1}, "readinessProbe": {"x": 1}}


def pod(name: str, *containers: dict[str, Any], phase: str = "Running") -> dict[str, Any]:
    named = [{"name": f"c{i}", **c} for i, c in enumerate(containers)]
    return {
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"containers": named},
        "status": {"phase": phase},
    }


def results(*pods: dict[str, Any]) -> list[PodResult]:
    return [evaluate_pod(p, DEFAULT_POLICY, now=NOW) for p in pods]


def test_two_pods_one_bare_score_95() -> None:
    # raw 10 over 2 scored pods -> 10 // 2 = 5 -> 95; the Succeeded pod counts nowhere.
    status = build_status(
        POLICY, results(pod("a", BARE), pod("b", GOOD), pod("done", BARE, phase="Succeeded")),
        now=NOW,
    )  # fmt: skip

    assert status["observedGeneration"] == 4
    assert status["lastEvaluated"] == "2023-11-14T22:13:20.250Z"
    assert status["healthScore"] == 95
    assert status["healthy"] is True
    assert status["classification"] == "Healthy"
    assert status["violations"] == 3
    assert status["violationsByCheck"] == {
        "latest_tag": 1, "missing_liveness": 1, "missing_readiness": 1,
        "high_restarts": 0, "pending": 0,
    }  # fmt: skip
    assert status["podsEvaluated"] == 2
    assert status["message"] == "3 violations across 2 pods — Healthy (95)"


def test_score_80_is_healthy_79_is_not() -> None:
    at_80 = build_status(POLICY, results(pod("a", BARE, BARE)), now=NOW)  # raw 20 -> 80
    assert (at_80["healthScore"], at_80["healthy"], at_80["classification"]) == (
        80,
        True,
        "Healthy",
    )

    no_readiness = {"image": "nginx:1.25", "livenessProbe": {"x": 1}}  # readiness only: 2
    # raw (20 + 22) over 2 pods = 21 -> 79
    at_79 = build_status(
        POLICY, results(pod("a", BARE, BARE), pod("b", BARE, BARE, no_readiness)), now=NOW
    )
    assert (at_79["healthScore"], at_79["healthy"], at_79["classification"]) == (
        79, False, "Stable",
    )  # fmt: skip
    assert at_79["violations"] == 13


def test_no_pods_scores_100() -> None:
    status = build_status(POLICY, [], now=NOW)

    assert status["healthScore"] == 100
    assert status["podsEvaluated"] == 0
    assert status["topViolations"] == []
    assert status["message"] == "0 violations across 0 pods — Healthy (100)"


def test_top_violations_at_most_20_most_severe_first() -> None:
    pods = [pod(f"p{i:02d}", BARE) for i in range(12)]  # 36 findings
    top = build_status(POLICY, results(*pods), now=NOW)["topViolations"]

    assert len(top) == 20
    assert top[0] == {
        "pod": "p00",
        "container": "c0",
        "check": "latest_tag",
        "severity": "high",
        "message": "container c0: image 'nginx' is not pinned (no tag or tag 'latest'); "
        "pin a version tag or a digest",
    }
    assert [t["check"] for t in top[:12]] == ["latest_tag"] * 12
    assert [t["pod"] for t in top[12:]] == [f"p{i:02d}" for i in range(8)]
    assert {t["severity"] for t in top[12:]} == {"medium"}


def test_ready_condition_keeps_transition_time_while_unchanged() -> None:
    first = build_status(POLICY, [], now=NOW)
    later = build_status(POLICY, [], now=NOW + 60, previous=first)

    assert first["conditions"] == [
        {"type": "Ready", "status": "True", "reason": "Evaluated",
         "message": "0 violations across 0 pods — Healthy (100)",
         "lastTransitionTime": "2023-11-14T22:13:20Z", "observedGeneration": 4},
    ]  # fmt: skip
    assert later["conditions"][0]["lastTransitionTime"] == "2023-11-14T22:13:20Z"
    assert later["lastEvaluated"] == "2023-11-14T22:14:20.250Z"

    failed = failed_status(POLICY, "listing pods: 503", now=NOW + 120, previous=later)
    assert failed == {
        "conditions": [
            {"type": "Ready", "status": "False", "reason": "EvaluationFailed",
             "message": "listing pods: 503", "lastTransitionTime": "2023-11-14T22:15:20Z",
             "observedGeneration": 4},
        ]
    }  # fmt: skip


def test_remediation_fields_cleared_with_nulls_when_not_enforcing() -> None:
    status = build_status(POLICY, [], now=NOW)

    for key in ("remediationsApplied", "remediationsFailed", "remediatedWorkloads",
                "remediationFailures", "notRemediable"):  # fmt: skip
        assert key in status
        assert status[key] is None


def test_remediation_summary_of_the_cycle() -> None:
    summary = RemediationSummary(
        applied=("deployment/shop/web",),
        failed=(
            PatchFailure(
                "statefulset/shop/db", "test failed at /spec/template/spec/containers/0/name"
            ),
        ),
        not_remediable=(
            NotRemediable("deployment/shop/web", "worker", "missing_liveness", "no port known"),
        ),
    )
    status = build_status(POLICY, [], now=NOW, remediation=summary)

    assert status["remediationsApplied"] == 1
    assert status["remediationsFailed"] == 1
    assert status["remediatedWorkloads"] == ["deployment/shop/web"]
    assert status["remediationFailures"] == [
        {"workload": "statefulset/shop/db",
         "message": "test failed at /spec/template/spec/containers/0/name"},
    ]  # fmt: skip
    assert status["notRemediable"] == [
        {"workload": "deployment/shop/web", "container": "worker", "check": "missing_liveness",
         "reason": "no port known"},
    ]  # fmt: skip


def test_enforcing_with_nothing_to_do_reports_zero_and_clears_lists() -> None:
    status = build_status(POLICY, [], now=NOW, remediation=RemediationSummary())

    assert status["remediationsApplied"] == 0
    assert status["remediationsFailed"] == 0
    assert status["remediatedWorkloads"] is None
    assert status["remediationFailures"] is None
    assert status["notRemediable"] is None


def test_status_timestamps_are_rfc3339() -> None:
    assert rfc3339(0) == "1970-01-01T00:00:00Z"
    assert rfc3339(1.5, digits=3) == "1970-01-01T00:00:01.500Z"
