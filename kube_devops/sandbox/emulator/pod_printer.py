"""The server-side printer of pods (``printPod`` of kube-apiserver 1.32, without init containers).

Columns: Name, Ready (ready running containers / containers), Status (the phase, or the reason of
the last waiting or terminated container, ``Terminating`` while deleting), Restarts (``N``, or
``N (age ago)`` after a recorded termination), Age; wide: IP, Node, Nominated Node, Readiness
Gates. Init containers are not looked at (the real printer shows ``Init:x/y`` while they run).
"""

from __future__ import annotations

import datetime
from typing import Any

from kube_devops.core.bodies import JsonDict

from .printers import AGE, NAME, Cells, column, since

COLUMNS = (
    NAME,
    column("Ready"),
    column("Status"),
    column("Restarts"),
    AGE,
    column("IP", priority=1),
    column("Node", priority=1),
    column("Nominated Node", priority=1),
    column("Readiness Gates", priority=1),
)


def _state_reason(state: JsonDict) -> str | None:
    waiting, terminated = state.get("waiting"), state.get("terminated")
    if waiting and waiting.get("reason"):
        return str(waiting["reason"])
    if terminated is not None:
        if terminated.get("reason"):
            return str(terminated["reason"])
        if terminated.get("signal"):
            return f"Signal:{terminated['signal']}"
        return f"ExitCode:{terminated.get('exitCode', 0)}"
    return None


def _containers(status: JsonDict, reason: str) -> tuple[str, int, int, str]:
    """(reason, ready containers, restarts, last termination time) over the containers."""
    ready = restarts = 0
    last, running = "", False
    for container in reversed(status.get("containerStatuses") or []):
        restarts += int(container.get("restartCount") or 0)
        finished = ((container.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        if finished and str(finished) > last:
            last = str(finished)
        state = container.get("state") or {}
        state_reason = _state_reason(state)
        if state_reason is not None:
            reason = state_reason
        elif container.get("ready") and state.get("running") is not None:
            running, ready = True, ready + 1
    if reason == "Completed" and running:
        conditions = status.get("conditions") or []
        has_ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
        reason = "Running" if has_ready else "NotReady"
    return reason, ready, restarts, last


def row(pod: JsonDict, now: datetime.datetime) -> Cells:
    """The cells of one pod."""
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    phase = str(status.get("phase") or "")
    reason = str(status.get("reason") or phase)
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    reason, ready, restarts, last = _containers(status, reason)
    if meta.get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    shown: Any = str(restarts)
    if restarts and last:
        shown = f"{restarts} ({since(last, now)} ago)"
    total = len(spec.get("containers") or [])
    cells: Cells = [meta.get("name"), f"{ready}/{total}", reason, shown, since(meta.get(
        "creationTimestamp"), now)]  # fmt: skip
    return cells + _wide(spec, status)


def _wide(spec: JsonDict, status: JsonDict) -> Cells:
    gates = spec.get("readinessGates") or []
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    met = sum(1 for gate in gates if conditions.get(gate.get("conditionType")) == "True")
    return [
        status.get("podIP") or "<none>",
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        f"{met}/{len(gates)}" if gates else "<none>",
    ]
