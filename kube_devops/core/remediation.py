"""Remediation planning for enforce-mode policies: a guarded RFC 6902 JSON patch per workload.

Pure: given a workload (Deployment, StatefulSet or DaemonSet as a dict), the policy spec and the
names of the containers seen in one of its pods, ``plan_remediation`` returns what can be fixed and
the JSON patch that fixes it. Containers are matched by **name** between pod and template, never
by index, and every touched container gets a ``test`` op on its name at its template index, so a
reordered or renamed container makes the whole patch fail instead of changing the wrong one.

Every patch **starts with a ``test`` of ``/metadata/resourceVersion``** against the version that
was read: the API server applies a JSON patch to the object as it is *now*, and an ``add`` cannot
test that a field is still absent, so without this guard a probe someone added between our read
and our write would be overwritten. With it, any change since the read makes the API answer 422
and nothing is written; the caller reads the workload again and plans anew. A workload without a
``resourceVersion`` (not read from the API) cannot be planned (``ValueError``).

What is repaired (and nothing else):

- a missing liveness / readiness probe, when the policy requires it, as a TCP probe on a known
  port: ``defaultProbe.tcpPort``, else the container's first TCP ``containerPort``; with neither
  the container is *not remediable* and the plan says why (no port is ever guessed). Readiness
  uses the policy's delays; liveness starts later and tolerates more failures, so a slow start
  marks the pod unready instead of restarting it;
- missing resource keys (``requests``/``limits`` x ``cpu``/``memory``) filled from
  ``defaultResources``, only when the policy sets it; present keys are never changed, and a
  default that would contradict a present value (limit below request) is skipped with a reason.

A plan with actions also annotates the pod template with ``devops.stochastic.io/patched-by``.
A workload that is already repaired yields a plan with no actions and an empty patch.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kube_devops.core.bodies import PatchOp, Workload
from kube_devops.core.checks import CheckId
from kube_devops.core.meta import Meta
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.core.policy import GROUP, EnforcementMode, PolicySpec
from kube_devops.core.remediation_resources import resource_ops
from kube_devops.core.workloads import REMEDIABLE_KINDS

#: Annotation set on the pod template of every patched workload.
PATCHED_BY_ANNOTATION = f"{GROUP}/patched-by"
#: Its value.
PATCHED_BY_VALUE = "kube-devops-reconcile"
#: Workload kinds whose pod template can be patched.
#: Seconds the injected liveness probe waits beyond the readiness delay.
LIVENESS_EXTRA_DELAY = 10
#: failureThreshold of the injected liveness probe (readiness keeps the Kubernetes default, 3).
LIVENESS_FAILURE_THRESHOLD = 6


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


def enforcement_applies(
    spec: PolicySpec, namespace: str, protected: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES
) -> bool:
    """True when ``spec`` may patch workloads in ``namespace`` (enforce mode, not protected)."""
    return spec.enforcement_mode is EnforcementMode.ENFORCE and namespace not in protected


def workload_ref(obj: Mapping[str, Any]) -> WorkloadRef:
    """The reference of a workload object (kind, namespace, name from the object itself)."""
    meta = Meta.of(obj)
    return WorkloadRef(str(obj.get("kind", "")), meta.namespace, meta.name)


def json_pointer_token(key: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901): ``~`` -> ``~0``, ``/`` -> ``~1``."""
    return key.replace("~", "~0").replace("/", "~1")


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
            tests.append({"op": "test", "path": f"{base}/name", "value": name})
            changes.extend(ops)
            actions.extend(acts)
    if not actions:
        return RemediationPlan(ref, (), tuple(skipped), ())
    patch = (version_guard(workload), *tests, *changes, _annotate(workload))
    return RemediationPlan(ref, tuple(actions), tuple(skipped), patch)


def version_guard(workload: Mapping[str, Any]) -> PatchOp:
    """The ``test`` op pinning the patch to the ``resourceVersion`` of ``workload`` as read."""
    version = Meta.of(workload).resource_version
    if not version:
        raise ValueError(
            f"{workload_ref(workload).key}: no metadata.resourceVersion; plan only workloads "
            "read from the API, so the patch can be guarded against concurrent changes"
        )
    return {"op": "test", "path": "/metadata/resourceVersion", "value": version}


_NOT_IN_TEMPLATE = (
    "the container is not in the workload's pod template (injected at admission?); "
    "fix it where it is injected"
)


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
    ops: list[PatchOp] = []
    actions: list[Action] = []
    skipped: list[NotRemediable] = []
    name = str(container["name"])
    for field, check in _missing_probes(container, spec):
        port = _probe_port(container, spec)
        if port is None:
            skipped.append(NotRemediable(workload, name, check, _NO_PORT))
            continue
        ops.append({"op": "add", "path": f"{base}/{field}", "value": _probe(field, port, spec)})
        actions.append(Action(name, field))
    if spec.default_resources is not None:
        adds, reasons = resource_ops(base, container.get("resources"), spec.default_resources)
        for op, changes in adds:
            ops.append(op)
            actions.extend(Action(name, change) for change in changes)
        skipped.extend(NotRemediable(workload, name, "resources", r) for r in reasons)
    return ops, actions, skipped


_NO_PORT = (
    "no port known for a TCP probe: set defaultProbe.tcpPort on the policy "
    "or declare a containerPort, or add the probe to the workload by hand"
)


def _missing_probes(container: Mapping[str, Any], spec: PolicySpec) -> Iterator[tuple[str, str]]:
    enabled = spec.enabled_checks()
    if CheckId.MISSING_LIVENESS in enabled and not container.get("livenessProbe"):
        yield "livenessProbe", CheckId.MISSING_LIVENESS.value
    if CheckId.MISSING_READINESS in enabled and not container.get("readinessProbe"):
        yield "readinessProbe", CheckId.MISSING_READINESS.value


def _probe_port(container: Mapping[str, Any], spec: PolicySpec) -> int | None:
    if spec.default_probe is not None and spec.default_probe.tcp_port is not None:
        return spec.default_probe.tcp_port
    for port in container.get("ports") or []:
        number = port.get("containerPort") if isinstance(port, dict) else None
        if isinstance(number, int) and port.get("protocol", "TCP") == "TCP":
            return number
    return None


def _probe(field: str, port: int, spec: PolicySpec) -> dict[str, Any]:
    defaults = spec.default_probe
    delay = defaults.initial_delay_seconds if defaults is not None else 5
    period = defaults.period_seconds if defaults is not None else 10
    probe: dict[str, Any] = {"tcpSocket": {"port": port}, "periodSeconds": period}
    if field == "livenessProbe":
        probe["initialDelaySeconds"] = delay + LIVENESS_EXTRA_DELAY
        probe["failureThreshold"] = LIVENESS_FAILURE_THRESHOLD
    else:
        probe["initialDelaySeconds"] = delay
    return probe


def _annotate(workload: Mapping[str, Any]) -> PatchOp:
    meta = ((workload.get("spec") or {}).get("template") or {}).get("metadata")
    entry = {PATCHED_BY_ANNOTATION: PATCHED_BY_VALUE}
    if not isinstance(meta, dict):
        value = {"annotations": entry}
        return {"op": "add", "path": "/spec/template/metadata", "value": value}
    if not isinstance(meta.get("annotations"), dict):
        return {"op": "add", "path": "/spec/template/metadata/annotations", "value": entry}
    path = f"/spec/template/metadata/annotations/{json_pointer_token(PATCHED_BY_ANNOTATION)}"
    return {"op": "add", "path": path, "value": PATCHED_BY_VALUE}
