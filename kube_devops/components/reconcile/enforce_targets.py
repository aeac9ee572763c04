"""Which workloads one enforcement cycle patches, and which of their containers.

For every scored pod whose containers the policy could repair (those with a missing probe, or all
of them when the policy sets ``defaultResources``), the owning workload is resolved through the
API (Pod -> ReplicaSet -> Deployment, StatefulSet, DaemonSet); pods of one workload are merged, so
each workload is planned and patched at most once per cycle. A pod that no such workload owns is
reported as not remediable.

- ``WorkloadGroup`` — one workload as read, and the names of its containers to repair;
- ``await group_by_workload(client, policy, pods, results)`` — the groups by workload key, and the
  pods without an owner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.bodies import Workload
from kube_devops.core.checks import CheckId
from kube_devops.core.findings import PodResult
from kube_devops.core.policy import Policy
from kube_devops.core.remediation_model import NotRemediable, workload_ref
from kube_devops.kube.client import KubeClient
from kube_devops.kube.workloads import OwnerResolver

_PROBE_CHECKS = frozenset({CheckId.MISSING_LIVENESS, CheckId.MISSING_READINESS})
_NO_OWNER = (
    "no Deployment, StatefulSet or DaemonSet owns this pod; fix the manifest that creates it"
)


@dataclass
class WorkloadGroup:
    """One workload as read, and the names of the containers to repair (in pod order)."""

    workload: Workload
    containers: dict[str, None] = field(default_factory=dict)


async def group_by_workload(
    client: KubeClient,
    policy: Policy,
    pods: Sequence[Mapping[str, Any]],
    results: Sequence[PodResult],
) -> tuple[dict[str, WorkloadGroup], list[NotRemediable]]:
    """The workloads owning pods ``policy`` could repair, by key; and the pods without one."""
    resolver = OwnerResolver(client)
    groups: dict[str, WorkloadGroup] = {}
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
        group = groups.setdefault(workload_ref(workload).key, WorkloadGroup(workload))
        group.containers.update(dict.fromkeys(names))
    return groups, orphans


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
