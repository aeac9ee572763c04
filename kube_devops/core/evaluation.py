"""Pod evaluation: the five checks applied to one pod under a policy, giving units and findings.

Units (per check, in ``CheckId`` order): +1 per container for an unpinned image (containers and
init containers); +1 per container for each missing probe (containers and native sidecars, i.e.
init containers with ``restartPolicy: Always``); +min(restartCount, 5) per
``status.containerStatuses`` entry above the restart threshold; +1 when the pod has been Pending
longer than the pending threshold (age from ``metadata.creationTimestamp``). Pods in phase
Succeeded or Failed, and pods in system namespaces, are not scored. A pod with no status is
neither pending nor restarting. Hot path: no allocation for a compliant pod beyond its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from kube_devops.core.bodies import PodPhase
from kube_devops.core.check_table import CHECK_TABLE, CheckTable
from kube_devops.core.checks import CHECKS, Check, CheckId, Severity
from kube_devops.core.findings import Finding as Finding
from kube_devops.core.findings import PodResult as PodResult
from kube_devops.core.images import is_latest_image
from kube_devops.core.meta import IMPLICIT_NAMESPACE
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.core.policy import DEFAULT_POLICY, PolicySpec
from kube_devops.core.times import parse_rfc3339

_EMPTY: Mapping[str, Any] = {}
_FINISHED = frozenset({PodPhase.SUCCEEDED.value, PodPhase.FAILED.value})
_PENDING_PHASE = PodPhase.PENDING.value
_LATEST, _LIVE, _READY = CheckId.LATEST_TAG, CheckId.MISSING_LIVENESS, CheckId.MISSING_READINESS
_RESTARTS, _PENDING = CheckId.HIGH_RESTARTS, CheckId.PENDING
_TEXT: dict[str, str] = {c: CHECKS[c].message for c in CheckId}
#: A container's restart units are capped at this many.
RESTART_UNIT_CAP = 5


def evaluate_pod(
    pod: Mapping[str, Any],
    policy: PolicySpec = DEFAULT_POLICY,
    *,
    now: float,
    namespaces: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES,
    table: CheckTable = CHECK_TABLE,
) -> PodResult:
    """Evaluate ``pod`` (API-server JSON dict) under ``policy`` at ``now`` (epoch seconds)."""
    meta = pod.get("metadata") or _EMPTY  # hot path: the rules of core.meta.Meta, inline
    namespace = meta.get("namespace") or IMPLICIT_NAMESPACE
    name = meta.get("name") or ""
    status = pod.get("status") or _EMPTY
    phase = status.get("phase")
    if phase in _FINISHED or namespace in namespaces:
        return PodResult(namespace, name, False, table.zero, (), table)
    spec = pod.get("spec") or _EMPTY
    found: list[Finding] = []
    latest, live, ready = _scan(spec.get("containers"), policy, found, sidecars_only=False)
    init = spec.get("initContainers")
    if init:
        il, iv, ir = _scan(init, policy, found, sidecars_only=True)
        latest, live, ready = latest + il, live + iv, ready + ir
    restarts = 0
    if policy.max_restart_count is not None and status:
        restarts = _restarts(status, policy, found)
    pending = 0
    if phase == _PENDING_PHASE and policy.forbid_pending_duration is not None:
        pending = _pending(meta, policy, now, found)
    units: tuple[int, ...] = (latest, live, ready, restarts, pending)
    if table.extras:
        units += _extras(pod, policy, now, table.extras, found)
    if not found:
        return PodResult(namespace, name, True, table.zero, (), table)
    record = table.records.get(units)
    if record is None:
        record = table.record(units)
    return PodResult(namespace, name, True, record, tuple(found), table)


def _extras(
    pod: Mapping[str, Any],
    policy: PolicySpec,
    now: float,
    checks: tuple[Check, ...],
    found: list[Finding],
) -> tuple[int, ...]:
    """Units of the checks after the built-in five, each found by its own ``detect``."""
    overrides = dict(policy.severity_overrides)
    units = []
    for check in checks:
        assert check.detect is not None  # CheckTable guarantees it
        severity = overrides.get(check.id, check.severity)  # type: ignore[call-overload]
        total = 0
        for hit in check.detect(pod, now):
            total += hit.units
            message = check.message.format(container=hit.container, detail=hit.detail)
            found.append(Finding(check.id, hit.container, severity, message, hit.units))
        units.append(total)
    return tuple(units)


def _scan(
    containers: Any, policy: PolicySpec, found: list[Finding], *, sidecars_only: bool
) -> tuple[int, int, int]:
    latest = live = ready = 0
    if not containers:
        return 0, 0, 0
    sev = policy.severities
    check_image = policy.forbid_latest_tag
    check_live = policy.require_liveness_probe
    check_ready = policy.require_readiness_probe
    for c in containers:
        cname = c.get("name")
        image = c.get("image")
        if check_image and is_latest_image(image):
            latest += 1
            found.append(_finding(_LATEST, cname, sev.latest_tag, image, 1))
        if sidecars_only and c.get("restartPolicy") != "Always":
            continue
        if check_live and not c.get("livenessProbe"):
            live += 1
            found.append(_finding(_LIVE, cname, sev.missing_liveness, None, 1))
        if check_ready and not c.get("readinessProbe"):
            ready += 1
            found.append(_finding(_READY, cname, sev.missing_readiness, None, 1))
    return latest, live, ready


def _restarts(status: Mapping[str, Any], policy: PolicySpec, found: list[Finding]) -> int:
    threshold = policy.max_restart_count or 0
    units = 0
    for cs in status.get("containerStatuses") or ():
        count = cs.get("restartCount") or 0
        if count > threshold:
            add = min(count, RESTART_UNIT_CAP)
            units += add
            detail = f"{count} times (threshold {threshold}); find the cause of the crashes"
            sev = policy.severities.high_restarts
            found.append(
                Finding(
                    _RESTARTS, cs.get("name"), sev, _say(_RESTARTS, cs.get("name"), detail), add
                )
            )
    return units


def _pending(meta: Mapping[str, Any], policy: PolicySpec, now: float, found: list[Finding]) -> int:
    created = creation_epoch(meta.get("creationTimestamp"))
    limit = policy.forbid_pending_duration or 0
    if created is None or now - created <= limit:
        return 0
    detail = f"{int(now - created)}s (threshold {limit}s); check scheduling and image pulls"
    found.append(Finding(_PENDING, None, policy.severities.pending, _say(_PENDING, None, detail)))
    return 1


def _say(check: str, container: str | None, detail: str) -> str:
    return _TEXT[check].format(container=container, detail=detail)


@lru_cache(maxsize=65536)
def _finding(
    check: str, container: str | None, severity: Severity, image: object, units: int
) -> Finding:
    """Static findings are immutable and repeat across pods: build each one once."""
    detail = repr(image) if check is _LATEST else ""
    return Finding(check, container, severity, _say(check, container, detail), units)


@lru_cache(maxsize=65536)
def creation_epoch(stamp: object) -> float | None:
    """Epoch seconds of an RFC 3339 timestamp (or datetime); None when missing or unreadable."""
    if isinstance(stamp, datetime):
        moment = stamp
    elif isinstance(stamp, str):
        try:
            moment = parse_rfc3339(stamp)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
