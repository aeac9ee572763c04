"""Kubernetes Events recording each remediation on the policy (pure).

``remediation_event`` builds a core/v1 ``Event`` whose ``involvedObject`` is the policy, reason
``Remediated`` (Normal) or ``RemediationFailed`` (Warning), naming the workload and what changed.
"""

from __future__ import annotations

import zlib
from enum import StrEnum

from kube_devops.core.bodies import Event
from kube_devops.core.policy import API_VERSION, KIND, Policy
from kube_devops.core.remediation_model import RemediationPlan
from kube_devops.core.times import rfc3339


class RemediationReason(StrEnum):
    """``reason`` of a remediation Event."""

    REMEDIATED = "Remediated"
    """The workload was patched (type Normal)."""
    REMEDIATION_FAILED = "RemediationFailed"
    """The patch failed (type Warning)."""


#: ``source.component`` / ``reportingComponent`` of our Events.
COMPONENT = "kube-devops-reconcile"


def remediation_event(
    policy: Policy,
    plan: RemediationPlan,
    *,
    error: str | None,
    now: float,
    instance: str,
) -> Event:
    """The Event for one remediation attempt (``error`` None means it was applied)."""
    changes = ", ".join(f"{a.container}: {a.change}" for a in plan.actions)
    if error is None:
        reason, kind = RemediationReason.REMEDIATED, "Normal"
        message = f"patched {plan.workload.key} ({changes})"
    else:
        reason, kind = RemediationReason.REMEDIATION_FAILED, "Warning"
        message = f"could not patch {plan.workload.key} ({changes}): {error}"
    stamp = rfc3339(now)
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{policy.name}.{int(now * 1e6):x}{zlib.crc32(plan.workload.key.encode()):08x}",
            "namespace": policy.namespace,
        },
        "involvedObject": {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "name": policy.name,
            "namespace": policy.namespace,
            "uid": policy.uid,
        },
        "reason": reason.value,
        "message": message[:1024],
        "type": kind,
        "source": {"component": COMPONENT},
        "reportingComponent": COMPONENT,
        "reportingInstance": instance,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
    }
