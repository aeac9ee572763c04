"""One evaluation of a policy's namespace as a typed value: status, metrics and logs render from it.

``assess`` pools the pod results of one reconcile cycle into a ``PolicyEvaluation`` (the tally,
the scored results, the moment and what enforcement did). The ``DevOpsPolicy`` status
(``policy_status.render_status``), the reconcile metrics and the log line all read this value;
none of them reads another's output back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kube_devops.core.findings import PodResult
from kube_devops.core.policy import Policy
from kube_devops.core.remediation_model import NotRemediable
from kube_devops.core.scoring import HEALTHY_SCORE, Classification, Tally


@dataclass(frozen=True, slots=True)
class PatchFailure:
    """A remediation patch the API server refused."""

    workload: str
    """Workload key (``kind/namespace/name``)."""
    error: str
    """The API server's message."""


@dataclass(frozen=True, slots=True)
class RemediationSummary:
    """What enforcement did to the policy's workloads in one cycle."""

    applied: tuple[str, ...] = ()
    """Keys (``kind/namespace/name``) of workloads patched."""
    failed: tuple[PatchFailure, ...] = ()
    """Patches that failed."""
    not_remediable: tuple[NotRemediable, ...] = ()
    """Violations enforcement cannot repair."""


@dataclass(frozen=True, slots=True)
class PolicyEvaluation:
    """The outcome of evaluating one policy's namespace at one moment."""

    policy: Policy
    """The policy evaluated."""
    tally: Tally
    """Pooled units and score of the scored pods."""
    scored: tuple[PodResult, ...]
    """The scored pods' results (finished pods count nowhere)."""
    evaluated_at: float
    """Epoch seconds of the evaluation."""
    remediation: RemediationSummary | None = None
    """What enforcement did; None when the cycle did not enforce."""

    @property
    def score(self) -> int:
        """Health score (0-100)."""
        return self.tally.score

    @property
    def classification(self) -> Classification:
        """Class of ``score``."""
        return self.tally.classification

    @property
    def healthy(self) -> bool:
        """Score at or above ``HEALTHY_SCORE``."""
        return self.score >= HEALTHY_SCORE

    @property
    def violations(self) -> int:
        """Violation units over all checks."""
        return self.tally.total_violations

    @property
    def message(self) -> str:
        """One line for people: violations, pods, class and score."""
        cls = self.classification.value
        return f"{self.violations} violations across {self.tally.pods} pods — {cls} ({self.score})"


def assess(
    policy: Policy,
    results: Iterable[PodResult],
    *,
    now: float,
    remediation: RemediationSummary | None = None,
) -> PolicyEvaluation:
    """Pool ``results`` of ``policy``'s namespace, evaluated at ``now``, into one value."""
    tally = Tally()
    scored: list[PodResult] = []
    for result in results:
        if result.scored:
            tally.add(result)
            scored.append(result)
    return PolicyEvaluation(policy, tally, tuple(scored), now, remediation)
