"""Remediation planning for enforce-mode policies: a guarded RFC 6902 JSON patch per workload.

Pure: given a workload (Deployment, StatefulSet or DaemonSet as a dict), the policy spec and the
names of the containers seen in one of its pods, ``plan_remediation`` returns what can be fixed and
the JSON patch that fixes it (a ``core.remediation_model.RemediationPlan``). Containers are matched
by **name** between pod and template, never by index. The patch is guarded as
``core.remediation_patch`` describes: a ``test`` of the ``resourceVersion`` that was read first
(a workload without one cannot be planned: ``ValueError``), a ``test`` of each touched container's
name, then the changes, then the ``patched-by`` annotation of the pod template.

What is repaired (and nothing else):

- a missing liveness / readiness probe, when the policy requires it, as a TCP probe on a known
  port (``core.remediation_probes``; no port is ever guessed);
- missing resource keys (``requests``/``limits`` x ``cpu``/``memory``) filled from
  ``defaultResources``, only when the policy sets it (``core.remediation_resources``); present
  keys are never changed.

A workload that is already repaired yields a plan with no actions and an empty patch.
``enforcement_applies(spec, namespace)`` says whether a policy may patch workloads at all.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from kube_devops.core.bodies import PatchOp, Workload
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.core.policy import EnforcementMode, PolicySpec
from kube_devops.core.remediation_model import (
    Action,
    NotRemediable,
    RemediationPlan,
    workload_ref,
)
from kube_devops.core.remediation_patch import name_guard, patched_by_op, version_guard
from kube_devops.core.remediation_probes import probe_ops
from kube_devops.core.remediation_resources import resource_ops
from kube_devops.core.workloads import REMEDIABLE_KINDS

_NOT_IN_TEMPLATE = (
    "the container is not in the workload's pod template (injected at admission?); "
    "fix it where it is injected"
)


def enforcement_applies(
    spec: PolicySpec, namespace: str, protected: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES
) -> bool:
    """True when ``spec`` may patch workloads in ``namespace`` (enforce mode, not protected)."""
    return spec.enforcement_mode is EnforcementMode.ENFORCE and namespace not in protected


def plan_remediation(
    workload: Workload, spec: PolicySpec, *, containers: Collection[str] | None = None
) -> RemediationPlan:
    """Plan the repair of ``workload`` under ``spec``.

    ``containers`` are the names of a pod's containers (default: every template container); a name
    missing from the template (e.g. a sidecar injected at admission) is reported, never patched.
    Native sidecars (init containers with ``restartPolicy: Always``) are matched too.
    """
    ref = workload_ref(workload)
    slots = _template_slots(workload)
    names = list(slots) if containers is None else list(dict.fromkeys(containers))
    tests: list[PatchOp] = []
    changes: list[PatchOp] = []
    actions: list[Action] = []
    skipped: list[NotRemediable] = []
    for name in names:
        if name not in slots:
            skipped.append(NotRemediable(ref.key, name, "*", _NOT_IN_TEMPLATE))
            continue
        base, container = slots[name]
        ops, acts, skips = _container_plan(ref.key, base, container, spec)
        skipped.extend(skips)
        if ops:
            tests.append(name_guard(base, name))
            changes.extend(ops)
            actions.extend(acts)
    if not actions:
        return RemediationPlan(ref, (), tuple(skipped), ())
    patch = (version_guard(workload), *tests, *changes, patched_by_op(workload))
    return RemediationPlan(ref, tuple(actions), tuple(skipped), patch)


def _template_slots(workload: Mapping[str, Any]) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Template containers by name: (JSON pointer of the container, container)."""
    kind = workload.get("kind")
    if kind not in REMEDIABLE_KINDS:
        raise ValueError(
            f"{kind}/{workload_ref(workload).name}: kind {kind!r} cannot be remediated; "
            f"only {sorted(REMEDIABLE_KINDS)} have a pod template we patch"
        )
    pod_spec = ((workload.get("spec") or {}).get("template") or {}).get("spec") or {}
    slots: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for field in ("containers", "initContainers"):
        entries = pod_spec.get(field)
        for index, c in enumerate(entries if isinstance(entries, list) else []):
            sidecar = field == "containers" or c.get("restartPolicy") == "Always"
            if isinstance(c, dict) and isinstance(c.get("name"), str) and sidecar:
                slots.setdefault(c["name"], (f"/spec/template/spec/{field}/{index}", c))
    return slots


def _container_plan(
    workload: str, base: str, container: Mapping[str, Any], spec: PolicySpec
) -> tuple[list[PatchOp], list[Action], list[NotRemediable]]:
    """Probes first, then resource keys: the ops, actions and skips for one container."""
    ops, actions, skipped = probe_ops(workload, base, container, spec)
    if spec.default_resources is not None:
        name = str(container["name"])
        adds, reasons = resource_ops(base, container.get("resources"), spec.default_resources)
        for op, changes in adds:
            ops.append(op)
            actions.extend(Action(name, change) for change in changes)
        skipped.extend(NotRemediable(workload, name, "resources", r) for r in reasons)
    return ops, actions, skipped
