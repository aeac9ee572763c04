"""Enforcement for one policy cycle: resolve owners, plan once per workload, patch, record.

Runs only when ``enforcement_applies`` (enforce mode, namespace not protected). The pods the
policy could repair are grouped by owning workload (``enforce_targets``), so each workload is
planned and patched **at most once per cycle**.

Every patch is guarded by a ``test`` of the ``resourceVersion`` that was read. When the API
refuses it (422, or 409) the workload is read again: if it changed since the read (someone else
wrote it between our read and our patch) the patch is planned anew from the fresh object and
sent again, up to ``PATCH_ATTEMPTS`` times in one cycle (a short pause before each re-read lets
a burst of writes, e.g. a rollout's status updates, pass), so their change survives and ours is
not duplicated; a workload that keeps changing is reported as failed this cycle and tried again
by the next. If it did not change, the refusal is permanent for this plan: counted, logged once,
written to the policy's status (``remediationFailures``) and held back for its backoff step
(``enforce_outcomes``). Each attempt is recorded as an Event on the policy.

- ``Enforcer(client, metrics, field_manager, instance, book)`` — shared by all cycles;
  ``await enforce(policy, pods, results, now=)`` returns the ``RemediationSummary`` for the
  status, ``forget(policy_key)`` drops a deleted policy's standing refusals.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.bodies import Workload
from kube_devops.core.findings import PodResult
from kube_devops.core.meta import Meta
from kube_devops.core.policy import Policy
from kube_devops.core.policy_evaluation import PatchFailure, RemediationSummary
from kube_devops.core.remediation import plan_remediation
from kube_devops.core.remediation_backoff import RejectionBook
from kube_devops.core.remediation_model import RemediationPlan, workload_ref
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Conflict, Invalid, KubeError, NotFound
from kube_devops.kube.workloads import get_workload, json_patch_workload

from .enforce_outcomes import Outcome, fingerprint, record_event, refused
from .enforce_targets import WorkloadGroup, group_by_workload
from .metrics import ReconcileMetrics

log = logging.getLogger(__name__)

#: Patches of one workload in one cycle while it keeps changing under us.
PATCH_ATTEMPTS = 3
#: Seconds before the n-th re-read of a workload that changed under our patch (times n).
CONFLICT_PAUSE = 0.2


@dataclass(frozen=True)
class Enforcer:
    """Patches the workloads of one policy; shared by all cycles."""

    client: KubeClient
    metrics: ReconcileMetrics
    field_manager: str
    instance: str
    book: RejectionBook = field(default_factory=RejectionBook)
    """Refused patches and when each may be tried again."""

    async def enforce(
        self,
        policy: Policy,
        pods: Sequence[Mapping[str, Any]],
        results: Sequence[PodResult],
        *,
        now: float,
    ) -> RemediationSummary:
        """Repair what ``policy`` can repair in its namespace; the summary for its status."""
        groups, orphans = await group_by_workload(self.client, policy, pods, results)
        applied: list[str] = []
        failed: list[PatchFailure] = []
        skipped = list(orphans)
        for group in groups.values():
            outcome = await self._remediate(policy, group, now)
            plan = outcome.plan
            skipped.extend(plan.not_remediable)
            if not plan.needed:
                continue
            if outcome.error is None:
                applied.append(plan.workload.key)
            else:
                failed.append(PatchFailure(plan.workload.key, outcome.error))
            if outcome.attempted:
                await record_event(
                    self.client, policy, plan, outcome.error, now=now, instance=self.instance
                )
        return RemediationSummary(tuple(applied), tuple(failed), tuple(skipped))

    def forget(self, policy_key: str) -> None:
        """The policy is gone: drop its standing refusals."""
        self.book.forget(f"{policy_key} ")

    async def _remediate(self, policy: Policy, group: WorkloadGroup, now: float) -> Outcome:
        """Plan and patch one workload, planning anew while it changes under us."""
        workload = group.workload
        for attempt in range(1, PATCH_ATTEMPTS + 1):
            plan = plan_remediation(workload, policy.spec, containers=group.containers)
            key = f"{policy.key} {plan.workload.key}"
            mark = fingerprint(policy, plan, workload)
            if not plan.needed:
                self.book.cleared(key)
                return Outcome(plan)
            standing = self.book.holding(key, mark, now)
            if standing is not None:
                return Outcome(plan, standing.message, attempted=False)
            try:
                await self._apply(plan)
            except KubeError as err:
                fresh = await self._changed(workload, err, attempt)
                if fresh is None:
                    return self._refused(plan, str(err), key, mark, now)
                workload = fresh
                continue
            self.book.cleared(key)
            return Outcome(plan)
        error = f"the workload changed {PATCH_ATTEMPTS} times while it was being patched"
        return self._refused(plan, error, key, None, now)

    def _refused(
        self, plan: RemediationPlan, error: str, key: str, mark: Hashable | None, now: float
    ) -> Outcome:
        """One refused attempt, kept in this enforcer's book and counted in its metrics."""
        return refused(
            plan, error, key=key, fingerprint=mark, book=self.book, metrics=self.metrics, now=now
        )

    async def _changed(self, workload: Workload, err: KubeError, attempt: int) -> Workload | None:
        """After a refused patch: the workload read again when it changed since ``workload``
        was read (plan again), None when the refusal stands."""
        if not isinstance(err, (Invalid, Conflict)):
            return None
        await asyncio.sleep(CONFLICT_PAUSE * attempt)
        ref = workload_ref(workload)
        try:
            fresh = await get_workload(self.client, ref.kind, ref.namespace, ref.name)
        except NotFound:
            return None
        if Meta.of(fresh).resource_version == Meta.of(workload).resource_version:
            return None
        log.info("workload changed since it was read: planning again", extra={"workload": ref.key})
        return fresh

    async def _apply(self, plan: RemediationPlan) -> None:
        ref = plan.workload
        await json_patch_workload(
            self.client, ref.kind, ref.namespace, ref.name, plan.patch, self.field_manager
        )
        self.metrics.remediations_applied.inc()
        changes = [f"{a.container}:{a.change}" for a in plan.actions]
        log.info("remediation applied", extra={"workload": ref.key, "changes": changes})
