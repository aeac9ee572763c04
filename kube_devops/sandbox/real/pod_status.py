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
import hashlib
from typing import Any

Obj = dict[str, Any]


def stamp(when: dt.datetime) -> str:
    """RFC 3339 with second precision, as the API serves ``metav1.Time``."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> dt.datetime:
    """A ``metav1.Time`` string as an aware datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def ready_at(container: Obj, started_at: dt.datetime) -> dt.datetime:
    """When a container started at ``started_at`` turns ready: at once without a readiness
    probe, else after the probe's ``initialDelaySeconds``."""
    probe = container.get("readinessProbe") or {}
    return started_at + dt.timedelta(seconds=int(probe.get("initialDelaySeconds") or 0))


def started(pod: Obj, ip: str, host_ip: str, now: dt.datetime) -> Obj:
    """The status of a pod whose containers have just started."""
    spec = pod.get("spec") or {}
    ready = [_running(pod, c, now, now, 0) for c in spec.get("containers") or []]
    status: Obj = {
        "phase": "Running",
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": stamp(now),
        "qosClass": (pod.get("status") or {}).get("qosClass", "BestEffort"),
        "containerStatuses": ready,
        "initContainerStatuses": [_init(pod, c, now) for c in spec.get("initContainers") or []],
    }
    status["conditions"] = _conditions(status, now)
    return status


def readiness_refreshed(pod: Obj, now: dt.datetime) -> Obj:
    """The pod's status with each running container's ready flag recomputed for ``now``."""
    status = dict(pod.get("status") or {})
    containers = {c.get("name"): c for c in (pod.get("spec") or {}).get("containers") or []}
    refreshed = []
    for entry in status.get("containerStatuses") or []:
        running = (entry.get("state") or {}).get("running")
        container = containers.get(entry.get("name"), {})
        if running and not _crash_looping(entry):
            since = parse_stamp(running["startedAt"])
            entry = {**entry, "ready": ready_at(container, since) <= now}
        refreshed.append(entry)
    status["containerStatuses"] = refreshed
    status["conditions"] = _conditions(status, now)
    return status


def crashed(pod: Obj, now: dt.datetime) -> Obj:
    """The pod's status after every container crashed once more and waits to restart."""
    status = dict(pod.get("status") or {})
    status["containerStatuses"] = [_crash(entry, now) for entry in _statuses(pod, now)]
    status["conditions"] = _conditions(status, now)
    return status


def finished(pod: Obj, succeeded: bool, ip: str, host_ip: str, now: dt.datetime) -> Obj:
    """The status of a pod whose containers ran to completion (exit 0) or failed (exit 1)."""
    status = started(pod, ip, host_ip, now)
    code = 0 if succeeded else 1
    reason = "Completed" if succeeded else "Error"
    status["phase"] = "Succeeded" if succeeded else "Failed"
    status["containerStatuses"] = [
        {**entry, "ready": False, "started": False, "state": _terminated(code, reason, now, now)}
        for entry in status["containerStatuses"]
    ]
    status["conditions"] = _conditions(status, now, reason="PodCompleted")
    return status


def unschedulable(pod: Obj, message: str) -> Obj:
    """A Pending pod the scheduler could not place."""
    condition = {
        "type": "PodScheduled",
        "status": "False",
        "reason": "Unschedulable",
        "message": message,
        "lastTransitionTime": (pod.get("metadata") or {}).get("creationTimestamp"),
    }
    return {"phase": "Pending", "conditions": [condition]}


def _statuses(pod: Obj, now: dt.datetime) -> list[Obj]:
    """The pod's container statuses (fresh running ones if it has none yet)."""
    known = (pod.get("status") or {}).get("containerStatuses")
    if known:
        return list(known)
    containers = (pod.get("spec") or {}).get("containers") or []
    return [_running(pod, c, now, now, 0) for c in containers]


def _running(pod: Obj, container: Obj, since: dt.datetime, now: dt.datetime, restarts: int) -> Obj:
    image = str(container.get("image") or "")
    return {
        "name": container.get("name"),
        "image": image,
        "imageID": image_id(image),
        "containerID": container_id(pod, container.get("name"), restarts),
        "ready": ready_at(container, since) <= now,
        "started": True,
        "restartCount": restarts,
        "state": {"running": {"startedAt": stamp(since)}},
        "lastState": {},
    }


def _init(pod: Obj, container: Obj, now: dt.datetime) -> Obj:
    if container.get("restartPolicy") == "Always":  # a native sidecar keeps running
        return _running(pod, container, now, now, 0)
    entry = _running(pod, container, now, now, 0)
    return {
        **entry,
        "ready": True,
        "started": False,
        "state": _terminated(0, "Completed", now, now),
    }


def last_crash(entry: Obj) -> dt.datetime | None:
    """When the container last terminated, or None if it never did."""
    finished_at = ((entry.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
    return parse_stamp(finished_at) if finished_at else None


def _crash(entry: Obj, now: dt.datetime) -> Obj:
    """The container ran (since it last started, or restarted after its last crash) and died."""
    running = (entry.get("state") or {}).get("running") or {}
    began = parse_stamp(running["startedAt"]) if running else last_crash(entry) or now
    restarts = int(entry.get("restartCount") or 0) + 1
    return {
        **entry,
        "ready": False,
        "started": False,
        "restartCount": restarts,
        "lastState": _terminated(1, "Error", began, now),
        "state": {
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off restarting failed container {entry.get('name')}",
            }
        },
    }


def _crash_looping(entry: Obj) -> bool:
    waiting = (entry.get("state") or {}).get("waiting") or {}
    return waiting.get("reason") == "CrashLoopBackOff"


def _terminated(code: int, reason: str, began: dt.datetime, ended: dt.datetime) -> Obj:
    terminated = {
        "exitCode": code,
        "reason": reason,
        "startedAt": stamp(began),
        "finishedAt": stamp(ended),
    }
    return {"terminated": terminated}


def _conditions(status: Obj, now: dt.datetime, reason: str = "ContainersNotReady") -> list[Obj]:
    unready = [e.get("name") for e in status.get("containerStatuses") or [] if not e.get("ready")]
    ready = "False" if unready else "True"
    message = f"containers with unready status: [{' '.join(map(str, unready))}]"
    extra = {"reason": reason, "message": message} if unready else {}
    at = stamp(now)
    return [
        {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": at},
        {"type": "Initialized", "status": "True", "lastTransitionTime": at},
        {"type": "Ready", "status": ready, "lastTransitionTime": at, **extra},
        {"type": "ContainersReady", "status": ready, "lastTransitionTime": at, **extra},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": at},
    ]


def image_id(image: str) -> str:
    """A stable, digest-shaped image ID for ``image`` (no registry is consulted)."""
    digest = hashlib.sha256(image.encode()).hexdigest()
    return f"{image.split('@')[0]}@sha256:{digest}"


def container_id(pod: Obj, name: object, restarts: int) -> str:
    """A stable container ID per pod, container and restart."""
    uid = (pod.get("metadata") or {}).get("uid", "")
    return "sim://" + hashlib.sha256(f"{uid}/{name}/{restarts}".encode()).hexdigest()[:32]
