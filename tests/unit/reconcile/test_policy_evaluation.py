"""One policy evaluation value: the status renders from it, with the figures worked out by hand."""

from __future__ import annotations

from typing import Any

from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.policy import DEFAULT_POLICY, Policy
from kube_devops.core.policy_evaluation import PatchFailure, RemediationSummary, assess
from kube_devops.core.policy_status import render_status
from kube_devops.core.remediation_model import NotRemediable
from kube_devops.core.scoring import Classification

NOW = 1_700_000_000.25  # 2023-11-14T22:13:20.250Z
POLICY = Policy("shop", "all-checks", DEFAULT_POLICY, generation=4)


def _pod(name: str, image: str, phase: str = "Running") -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"containers": [{"name": "c", "image": image}]},
        "status": {"phase": phase},
    }


def test_three_pods_one_finished() -> None:
    # each running pod: unpinned + no probes = 5 + 3 + 2 = 10 raw, 3 units; 20 // 2 = 10 -> 90.
    pods = [_pod("a", "nginx"), _pod("b", "nginx"), _pod("done", "nginx", "Succeeded")]
    results = [evaluate_pod(p, DEFAULT_POLICY, now=NOW) for p in pods]
    evaluation = assess(POLICY, results, now=NOW)
    assert [r.name for r in evaluation.scored] == ["a", "b"]
    assert (evaluation.score, evaluation.violations, evaluation.healthy) == (90, 6, True)
    assert evaluation.classification is Classification.HEALTHY
    assert evaluation.message == "6 violations across 2 pods — Healthy (90)"
    status = render_status(evaluation)
    assert (status["healthScore"], status["violations"], status["podsEvaluated"]) == (90, 6, 2)
    assert status["lastEvaluated"] == "2023-11-14T22:13:20.250Z"
    assert status["remediationsApplied"] is None


def test_remediation_outcomes_render_from_their_records() -> None:
    summary = RemediationSummary(
        applied=(),
        failed=(PatchFailure("deployment/shop/web", "conflict"),),
        not_remediable=(NotRemediable("pod/shop/x", "*", "*", "no owner"),),
    )
    status = render_status(assess(POLICY, [], now=NOW, remediation=summary))
    assert (status["healthScore"], status["message"]) == (
        100,
        "0 violations across 0 pods — Healthy (100)",
    )
    assert status["remediationFailures"] == [
        {"workload": "deployment/shop/web", "message": "conflict"}
    ]
    assert status["notRemediable"] == [
        {"workload": "pod/shop/x", "container": "*", "check": "*", "reason": "no owner"}
    ]
