"""The records of remediation planning (pure): which workload, what changes, what cannot be fixed.

- ``WorkloadRef`` — kind, namespace and name of the workload that owns a pod; ``.key`` is
  ``kind/namespace/name`` with the kind in lower case;
- ``workload_ref(obj)`` — the reference of a workload object;
- ``Action`` — one change a patch makes to one container;
- ``NotRemediable`` — a violation enforcement cannot repair, with the reason;
- ``RemediationPlan`` — what enforcement will do to one workload, and the JSON patch that does it
  (built by ``core.remediation.plan_remediation``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kube_devops.core.bodies import PatchOp
from kube_devops.core.meta import Meta


@dataclass(frozen=True, slots=True, order=True)
class WorkloadRef:
    """The workload that owns a pod."""

    kind: str
    namespace: str
    name: str

    @property
    def key(self) -> str:
        """``kind/namespace/name`` with the kind in lower case, e.g. ``deployment/shop/web``."""
        return f"{self.kind.lower()}/{self.namespace}/{self.name}"


def workload_ref(obj: Mapping[str, Any]) -> WorkloadRef:
    """The reference of a workload object (kind, namespace, name from the object itself)."""
    meta = Meta.of(obj)
    return WorkloadRef(str(obj.get("kind", "")), meta.namespace, meta.name)


@dataclass(frozen=True, slots=True)
class Action:
    """One change the patch makes, e.g. ``("web", "livenessProbe")``."""

    container: str
    change: str
    """``livenessProbe``, ``readinessProbe`` or ``resources.<requests|limits>.<cpu|memory>``."""


@dataclass(frozen=True, slots=True)
class NotRemediable:
    """A violation enforcement cannot repair, with the reason and what to do instead."""

    workload: str
    """Key of the workload (``kind/namespace/name``), or ``pod/namespace/name`` without one."""
    container: str
    check: str
    reason: str


@dataclass(frozen=True, slots=True)
class RemediationPlan:
    """What enforcement will do to one workload, and the JSON patch that does it."""

    workload: WorkloadRef
    actions: tuple[Action, ...]
    not_remediable: tuple[NotRemediable, ...]
    patch: tuple[PatchOp, ...]
    """RFC 6902 operations; empty when there is nothing to do."""

    @property
    def needed(self) -> bool:
        """True when the patch changes something."""
        return bool(self.actions)
