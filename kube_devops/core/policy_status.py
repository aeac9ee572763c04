"""The ``DevOpsPolicy`` status written after every evaluation (pure).

``render_status`` turns one ``PolicyEvaluation`` into the ``status`` object sent as a JSON merge
patch to the status subresource (``build_status`` assesses pod results and renders in one call).
Every field is always present: the remediation fields are ``None`` (JSON ``null``, which a merge
patch deletes) when the cycle did not enforce, so no stale value survives a switch from enforce to
audit.

Fields (camelCase, as in the CRD): ``observedGeneration``, ``lastEvaluated`` (RFC 3339 UTC),
``healthScore``, ``healthy`` (score >= 80), ``classification``, ``violations`` (units, so the score
is ``100 - (sum of units x weight) // pods``), ``violationsByCheck``, ``podsEvaluated``,
``message``, ``topViolations`` (at most 20 of {pod, container, check, severity, message}, most
severe first), ``conditions`` (``Ready``), ``remediationsApplied``, ``remediationsFailed``,
``remediatedWorkloads``, ``remediationFailures`` and ``notRemediable``. The ``Ready`` condition
and the status of a failed evaluation are built by ``core.policy_conditions``.

- ``build_status(policy, results, now=, remediation=, previous=)`` — assess and render;
- ``render_status(evaluation, previous)`` — the status of one ``PolicyEvaluation``;
- ``top_violations(results, limit)`` and ``remediation_fields(summary)`` — two of its parts.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kube_devops.core.checks import CHECKS
from kube_devops.core.findings import Finding, PodResult
from kube_devops.core.policy import Policy
from kube_devops.core.policy_conditions import ConditionReason, ready_condition
from kube_devops.core.policy_evaluation import PolicyEvaluation, RemediationSummary, assess
from kube_devops.core.times import rfc3339

#: At most this many entries in ``topViolations`` and ``notRemediable``.
TOP_VIOLATIONS = 20


def build_status(
    policy: Policy,
    results: Iterable[PodResult],
    *,
    now: float,
    remediation: RemediationSummary | None = None,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The full status of ``policy`` after evaluating ``results`` at ``now`` (see ``assess``)."""
    evaluation = assess(policy, results, now=now, remediation=remediation)
    return render_status(evaluation, previous)


def render_status(
    evaluation: PolicyEvaluation, previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The full status of one evaluation.

    ``evaluation.remediation`` is None when the cycle did not enforce (audit mode, protected
    namespace). ``previous`` is the status currently on the object, used to keep
    ``lastTransitionTime`` of a condition whose status did not change.
    """
    policy, now, message = evaluation.policy, evaluation.evaluated_at, evaluation.message
    status: dict[str, Any] = {
        "observedGeneration": policy.generation,
        "lastEvaluated": rfc3339(now, digits=3),
        "healthScore": evaluation.score,
        "healthy": evaluation.healthy,
        "classification": evaluation.classification.value,
        "violations": evaluation.violations,
        "violationsByCheck": evaluation.tally.violations,
        "podsEvaluated": evaluation.tally.pods,
        "message": message,
        "topViolations": top_violations(evaluation.scored),
        "conditions": [
            ready_condition(True, ConditionReason.EVALUATED, message, policy, now, previous)
        ],
    }
    status.update(remediation_fields(evaluation.remediation))
    return status


def top_violations(
    results: Iterable[PodResult], limit: int = TOP_VIOLATIONS
) -> list[dict[str, Any]]:
    """The ``limit`` most severe findings: severity, then weight, then pod and container name."""
    best = heapq.nsmallest(limit, _findings(results), key=_rank)
    return [
        {
            "pod": pod,
            "container": f.container,
            "check": str(f.check),
            "severity": f.severity.value,
            "message": f.message,
        }
        for pod, f in best
    ]


def _findings(results: Iterable[PodResult]) -> Iterator[tuple[str, Finding]]:
    for result in results:
        for finding in result.findings:
            yield result.name, finding


def _rank(item: tuple[str, Finding]) -> tuple[int, int, str, str, str]:
    pod, f = item
    return (-f.severity.rank, -CHECKS[f.check].weight, pod, f.container or "", f.check)


def remediation_fields(summary: RemediationSummary | None) -> dict[str, Any]:
    """The remediation part of the status; every field None when ``summary`` is None."""
    if summary is None:
        return {
            "remediationsApplied": None,
            "remediationsFailed": None,
            "remediatedWorkloads": None,
            "remediationFailures": None,
            "notRemediable": None,
        }
    failures = [{"workload": f.workload, "message": f.error} for f in summary.failed]
    skipped = [
        {"workload": s.workload, "container": s.container, "check": s.check, "reason": s.reason}
        for s in summary.not_remediable[:TOP_VIOLATIONS]
    ]
    return {
        "remediationsApplied": len(summary.applied),
        "remediationsFailed": len(summary.failed),
        "remediatedWorkloads": list(summary.applied) or None,
        "remediationFailures": failures or None,
        "notRemediable": skipped or None,
    }
