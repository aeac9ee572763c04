"""Pod ``status`` documents as a kubelet would report them, built by pure functions.

Each function takes the pod as the API server returned it and the current time, and returns the
whole new ``status`` (sent as a merge patch of ``pods/status``, so lists are replaced whole):

- ``started(pod, ip, host_ip, now)`` — phase ``Running``: every container running since ``now``;
  init containers completed, native sidecars running. A container is ready at once unless it has a
  ``readinessProbe`` with ``initialDelaySeconds`` still to wait (the probe then passes).
- ``readiness_refreshed(pod, now)`` — the ready flags and Ready conditions recomputed.
- ``crashed(pod, now)`` — every container restarted once more (``restartCount`` + 1,
  ``lastState.terminated`` exit code 1, ``state.waiting.reason: CrashLoopBackOff``, not ready).
- ``finished(pod, succeeded, ip, host_ip, now)`` — phase ``Succeeded`` (exit 0) or ``Failed``.
- ``unschedulable(pod, message)`` — phase ``Pending`` with ``PodScheduled`` False.
"""

from __future__ import annotations

import datetime as dt

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.core.times import parse_rfc3339, rfc3339
from kube_devops.sandbox.real.container_status import (
    crash,
    crash_looping,
    init_status,
    ready_at,
    running,
    terminated,
)


def started(pod: JsonDict, ip: str, host_ip: str, now: dt.datetime) -> JsonDict:
    """The status of a pod whose containers have just started."""
    spec = pod.get("spec") or {}
    ready = [running(pod, c, now, now, 0) for c in spec.get("containers") or []]
    status: JsonDict = {
        "phase": "Running",
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": rfc3339(now),
        "qosClass": (pod.get("status") or {}).get("qosClass", "BestEffort"),
        "containerStatuses": ready,
        "initContainerStatuses": [
            init_status(pod, c, now) for c in spec.get("initContainers") or []
        ],
    }
    status["conditions"] = _conditions(status, now)
    return status


def readiness_refreshed(pod: JsonDict, now: dt.datetime) -> JsonDict:
    """The pod's status with each running container's ready flag recomputed for ``now``."""
    status = dict(pod.get("status") or {})
    containers = {c.get("name"): c for c in (pod.get("spec") or {}).get("containers") or []}
    refreshed = []
    for entry in status.get("containerStatuses") or []:
        running = (entry.get("state") or {}).get("running")
        container = containers.get(entry.get("name"), {})
        if running and not crash_looping(entry):
            since = parse_rfc3339(running["startedAt"])
            entry = {**entry, "ready": ready_at(container, since) <= now}
        refreshed.append(entry)
    status["containerStatuses"] = refreshed
    status["conditions"] = _conditions(status, now)
    return status


def crashed(pod: JsonDict, now: dt.datetime) -> JsonDict:
    """The pod's status after every container crashed once more and waits to restart."""
    status = dict(pod.get("status") or {})
    status["containerStatuses"] = [crash(entry, now) for entry in _statuses(pod, now)]
    status["conditions"] = _conditions(status, now)
    return status


def finished(pod: JsonDict, succeeded: bool, ip: str, host_ip: str, now: dt.datetime) -> JsonDict:
    """The status of a pod whose containers ran to completion (exit 0) or failed (exit 1)."""
    status = started(pod, ip, host_ip, now)
    code = 0 if succeeded else 1
    reason = "Completed" if succeeded else "Error"
    status["phase"] = "Succeeded" if succeeded else "Failed"
    status["containerStatuses"] = [
        {**entry, "ready": False, "started": False, "state": terminated(code, reason, now, now)}
        for entry in status["containerStatuses"]
    ]
    status["conditions"] = _conditions(status, now, reason="PodCompleted")
    return status


def unschedulable(pod: JsonDict, message: str) -> JsonDict:
    """A Pending pod the scheduler could not place."""
    condition = {
        "type": "PodScheduled",
        "status": "False",
        "reason": "Unschedulable",
        "message": message,
        "lastTransitionTime": Meta.of(pod).creation_timestamp,
    }
    return {"phase": "Pending", "conditions": [condition]}


def _inits(pod: JsonDict, now: dt.datetime) -> list[JsonDict]:
    return [init_status(pod, c, now) for c in (pod.get("spec") or {}).get("initContainers") or []]


def _statuses(pod: JsonDict, now: dt.datetime) -> list[JsonDict]:
    """The pod's container statuses (fresh running ones if it has none yet)."""
    known = (pod.get("status") or {}).get("containerStatuses")
    if known:
        return list(known)
    containers = (pod.get("spec") or {}).get("containers") or []
    return [running(pod, c, now, now, 0) for c in containers]


def _conditions(
    status: JsonDict, now: dt.datetime, reason: str = "ContainersNotReady"
) -> list[JsonDict]:
    unready = [e.get("name") for e in status.get("containerStatuses") or [] if not e.get("ready")]
    ready = "False" if unready else "True"
    message = f"containers with unready status: [{' '.join(map(str, unready))}]"
    extra = {"reason": reason, "message": message} if unready else {}
    at = rfc3339(now)
    return [
        {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": at},
        {"type": "Initialized", "status": "True", "lastTransitionTime": at},
        {"type": "Ready", "status": ready, "lastTransitionTime": at, **extra},
        {"type": "ContainersReady", "status": ready, "lastTransitionTime": at, **extra},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": at},
    ]
