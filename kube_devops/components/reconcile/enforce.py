"""Enforcement for one policy cycle: resolve owners, plan once per workload, patch, record.

Runs only when ``enforcement_applies`` (enforce mode, namespace not protected). For every scored
pod whose containers the policy could repair, the owning workload is resolved through the API
(Pod -> ReplicaSet -> Deployment, StatefulSet, DaemonSet); pods of one workload are merged, so
each workload is planned and patched **at most once per cycle**.

Every patch is guarded by a ``test`` of the ``resourceVersion`` that was read. When the API
refuses it (422, or 409) the workload is read again: if it changed since the read (someone else
wrote it between our read and our patch) the patch is planned anew from the fresh object and
sent again, up to ``PATCH_ATTEMPTS`` times in one cycle (a short pause before each re-read lets
a burst of writes, e.g. a rollout's status updates, pass), so their change survives and ours is
not duplicated; a workload that keeps changing is reported as failed this cycle and tried again
by the next. If it did not change, the refusal is permanent for this plan: it is counted in
``devopspolicy_remediations_failed_total``, logged once, recorded as one Event and written to the
policy's status (``remediationFailures``: the workload and the API's message), and the same plan
is not tried again before its backoff step has passed (``core.remediation_backoff``), whatever
triggers the cycles in between. Each attempt is recorded as an Event on the policy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.bodies import Workload
from kube_devops.core.checks import CheckId
from kube_devops.core.findings import PodResult
from kube_devops.core.meta import Meta
from kube_devops.core.policy import Policy
from kube_devops.core.policy_evaluation import PatchFailure, RemediationSummary
from kube_devops.core.remediation import plan_remediation
from kube_devops.core.remediation_backoff import RejectionBook
from kube_devops.core.remediation_model import NotRemediable, RemediationPlan, workload_ref
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Conflict, Invalid, KubeError, NotFound
from kube_devops.kube.policies import create_event
from kube_devops.kube.workloads import OwnerResolver, get_workload, json_patch_workload

from .events import remediation_event
from .metrics import ReconcileMetrics

log = logging.getLogger(__name__)

#: Patches of one workload in one cycle while it keeps changing under us.
PATCH_ATTEMPTS = 3
#: Seconds before the n-th re-read of a workload that changed under our patch (times n).
CONFLICT_PAUSE = 0.2
_PROBE_CHECKS = frozenset({CheckId.MISSING_LIVENESS, CheckId.MISSING_READINESS})
_NO_OWNER = (
    "no Deployment, StatefulSet or DaemonSet owns this pod; fix the manifest that creates it"
)


@dataclass
class _Group:
    workload: Workload
    containers: dict[str, None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Outcome:
    """What became of one workload: its last plan, and an error (None: applied or nothing)."""

    plan: RemediationPlan
    error: str | None = None
    attempted: bool = True
    """False when a standing refusal held the patch back (nothing sent, nothing reported)."""


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
        groups, orphans = await self._group(policy, pods, results)
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
                await self._record(policy, plan, outcome.error, now)
        return RemediationSummary(tuple(applied), tuple(failed), tuple(skipped))

    def forget(self, policy_key: str) -> None:
        """The policy is gone: drop its standing refusals."""
        self.book.forget(f"{policy_key} ")

    async def _group(
        self, policy: Policy, pods: Sequence[Mapping[str, Any]], results: Sequence[PodResult]
    ) -> tuple[dict[str, _Group], list[NotRemediable]]:
        resolver = OwnerResolver(self.client)
        groups: dict[str, _Group] = {}
        orphans: list[NotRemediable] = []
        for pod, result in zip(pods, results, strict=True):
            names = _candidates(pod, result, policy)
            if not names:
                continue
            workload = await resolver.resolve(pod)
            if workload is None:
                pod_key = f"pod/{result.namespace}/{result.name}"
                orphans.append(NotRemediable(pod_key, "*", "*", _NO_OWNER))
                continue
            group = groups.setdefault(workload_ref(workload).key, _Group(workload))
            group.containers.update(dict.fromkeys(names))
        return groups, orphans

    async def _remediate(self, policy: Policy, group: _Group, now: float) -> _Outcome:
        """Plan and patch one workload, planning anew while it changes under us."""
        workload = group.workload
        for attempt in range(1, PATCH_ATTEMPTS + 1):
            plan = plan_remediation(workload, policy.spec, containers=group.containers)
            key = f"{policy.key} {plan.workload.key}"
            fingerprint = _fingerprint(policy, plan, workload)
            if not plan.needed:
                self.book.cleared(key)
                return _Outcome(plan)
            standing = self.book.holding(key, fingerprint, now)
            if standing is not None:
                return _Outcome(plan, standing.message, attempted=False)
            try:
                await self._apply(plan)
            except KubeError as err:
                fresh = await self._changed(workload, err, attempt)
                if fresh is None:
                    return self._refused(plan, key, fingerprint, str(err), now)
                workload = fresh
                continue
            self.book.cleared(key)
            return _Outcome(plan)
        error = f"the workload changed {PATCH_ATTEMPTS} times while it was being patched"
        return self._refused(plan, key, None, error, now)

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

    def _refused(
        self, plan: RemediationPlan, key: str, fingerprint: Hashable | None, error: str, now: float
    ) -> _Outcome:
        """Count, log and (with a ``fingerprint``: a standing refusal) hold back one refused
        attempt; the outcome carries the status text."""
        self.metrics.remediations_failed.inc()
        extra: dict[str, object] = {"workload": plan.workload.key, "error": error}
        if fingerprint is None:  # it kept changing: the next cycle tries again
            log.warning("remediation failed", extra=extra)
            return _Outcome(plan, f"{error}; the next cycle tries again")
        rejection = self.book.rejected(key, fingerprint, error, now)
        retry_in = round(rejection.retry_at - now, 3)
        log.warning("remediation failed", extra={**extra, "attempt": rejection.attempts,
                                                 "retry_in": retry_in})  # fmt: skip
        return _Outcome(plan, rejection.message)

    async def _record(
        self, policy: Policy, plan: RemediationPlan, error: str | None, now: float
    ) -> None:
        event = remediation_event(policy, plan, error=error, now=now, instance=self.instance)
        try:
            await create_event(self.client, event)
        except KubeError as err:
            log.warning("cannot record event", extra={"policy": policy.key, "error": str(err)})


def _fingerprint(policy: Policy, plan: RemediationPlan, workload: Workload) -> Hashable:
    """What a refusal is remembered against: after an edit of the policy's or the workload's
    spec (a new generation), or with other changes to make, the patch is tried at once."""
    return policy.generation, Meta.of(workload).generation, plan.actions


def _candidates(pod: Mapping[str, Any], result: PodResult, policy: Policy) -> list[str]:
    """Names of the pod's containers enforcement might repair."""
    if not result.scored:
        return []
    if policy.spec.default_resources is not None:
        spec = pod.get("spec") or {}
        listed = [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]
        return [c["name"] for c in listed if isinstance(c, dict) and isinstance(c.get("name"), str)]
    return list(
        dict.fromkeys(
            f.container for f in result.findings if f.check in _PROBE_CHECKS and f.container
        )
    )
