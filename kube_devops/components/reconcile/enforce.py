"""Enforcement for one policy cycle: resolve owners, plan once per workload, patch, record.

Runs only when ``enforcement_applies`` (enforce mode, namespace not protected). For every scored
pod whose containers the policy could repair, the owning workload is resolved through the API
(Pod -> ReplicaSet -> Deployment, StatefulSet, DaemonSet); pods of one workload are merged, so
each workload is planned and patched **at most once per cycle**, from one fresh read. A failed
patch (e.g. a ``test`` op failing because containers moved) changes nothing, is counted and is
retried by the next cycle. Each attempt is recorded as an Event on the policy.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.bodies import Workload
from kube_devops.core.checks import CheckId
from kube_devops.core.findings import PodResult
from kube_devops.core.policy import Policy
from kube_devops.core.policy_evaluation import PatchFailure, RemediationSummary
from kube_devops.core.remediation import (
    NotRemediable,
    RemediationPlan,
    plan_remediation,
    workload_ref,
)
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import KubeError
from kube_devops.kube.policies import create_event
from kube_devops.kube.workloads import OwnerResolver, json_patch_workload

from .events import remediation_event
from .metrics import ReconcileMetrics

log = logging.getLogger(__name__)

_PROBE_CHECKS = frozenset({CheckId.MISSING_LIVENESS, CheckId.MISSING_READINESS})
_NO_OWNER = (
    "no Deployment, StatefulSet or DaemonSet owns this pod; fix the manifest that creates it"
)


@dataclass
class _Group:
    workload: Workload
    containers: dict[str, None] = field(default_factory=dict)


@dataclass(frozen=True)
class Enforcer:
    """Patches the workloads of one policy; shared by all cycles."""

    client: KubeClient
    metrics: ReconcileMetrics
    field_manager: str
    instance: str

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
            plan = plan_remediation(group.workload, policy.spec, containers=group.containers)
            key = plan.workload.key
            skipped.extend(plan.not_remediable)
            if not plan.needed:
                continue
            error = await self._patch(plan)
            if error is None:
                applied.append(key)
            else:
                failed.append(PatchFailure(key, error))
            await self._record(policy, plan, error, now)
        return RemediationSummary(tuple(applied), tuple(failed), tuple(skipped))

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

    async def _patch(self, plan: RemediationPlan) -> str | None:
        ref = plan.workload
        try:
            await json_patch_workload(
                self.client, ref.kind, ref.namespace, ref.name, plan.patch, self.field_manager
            )
        except KubeError as err:
            self.metrics.remediations_failed.inc()
            log.warning("remediation failed", extra={"workload": ref.key, "error": str(err)})
            return str(err)
        self.metrics.remediations_applied.inc()
        changes = [f"{a.container}:{a.change}" for a in plan.actions]
        log.info("remediation applied", extra={"workload": ref.key, "changes": changes})
        return None

    async def _record(
        self, policy: Policy, plan: RemediationPlan, error: str | None, now: float
    ) -> None:
        event = remediation_event(policy, plan, error=error, now=now, instance=self.instance)
        try:
            await create_event(self.client, event)
        except KubeError as err:
            log.warning("cannot record event", extra={"policy": policy.key, "error": str(err)})


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
