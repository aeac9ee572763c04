"""Container statuses as a kubelet reports them (pure).

- ``running(pod, container, since, now, restarts)`` — a running container (ready per
  :func:`ready_at`), with a stable image ID and container ID;
- ``init_status(pod, container, now)`` — an init container: completed, or running for a native
  sidecar (``restartPolicy: Always``);
- ``crash(entry, now)`` — the container after one more crash; ``last_crash(entry)`` — when it
  last terminated.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.core.times import parse_rfc3339, rfc3339


def ready_at(container: JsonDict, started_at: dt.datetime) -> dt.datetime:
    """When a container started at ``started_at`` turns ready: at once without a readiness
    probe, else after the probe's ``initialDelaySeconds``."""
    probe = container.get("readinessProbe") or {}
    return started_at + dt.timedelta(seconds=int(probe.get("initialDelaySeconds") or 0))


def running(
    pod: JsonDict, container: JsonDict, since: dt.datetime, now: dt.datetime, restarts: int
) -> JsonDict:
    """A container running since ``since`` after ``restarts`` restarts."""
    image = str(container.get("image") or "")
    return {
        "name": container.get("name"),
        "image": image,
        "imageID": image_id(image),
        "containerID": container_id(pod, container.get("name"), restarts),
        "ready": ready_at(container, since) <= now,
        "started": True,
        "restartCount": restarts,
        "state": {"running": {"startedAt": rfc3339(since)}},
        "lastState": {},
    }


def init_status(pod: JsonDict, container: JsonDict, now: dt.datetime) -> JsonDict:
    """An init container: completed, or running when it is a native sidecar."""
    if container.get("restartPolicy") == "Always":  # a native sidecar keeps running
        return running(pod, container, now, now, 0)
    entry = running(pod, container, now, now, 0)
    return {
        **entry,
        "ready": True,
        "started": False,
        "state": terminated(0, "Completed", now, now),
    }


def last_crash(entry: JsonDict) -> dt.datetime | None:
    """When the container last terminated, or None if it never did."""
    finished_at = ((entry.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
    return parse_rfc3339(finished_at) if finished_at else None


def crash(entry: JsonDict, now: dt.datetime) -> JsonDict:
    """The container ran (since it last started, or restarted after its last crash) and died."""
    running = (entry.get("state") or {}).get("running") or {}
    began = parse_rfc3339(running["startedAt"]) if running else last_crash(entry) or now
    restarts = int(entry.get("restartCount") or 0) + 1
    return {
        **entry,
        "ready": False,
        "started": False,
        "restartCount": restarts,
        "lastState": terminated(1, "Error", began, now),
        "state": {
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off restarting failed container {entry.get('name')}",
            }
        },
    }


def crash_looping(entry: JsonDict) -> bool:
    """Whether the container waits to restart after a crash."""
    waiting = (entry.get("state") or {}).get("waiting") or {}
    return waiting.get("reason") == "CrashLoopBackOff"


def terminated(code: int, reason: str, began: dt.datetime, ended: dt.datetime) -> JsonDict:
    """A ``state.terminated`` with its exit code and times."""
    terminated = {
        "exitCode": code,
        "reason": reason,
        "startedAt": rfc3339(began),
        "finishedAt": rfc3339(ended),
    }
    return {"terminated": terminated}


def image_id(image: str) -> str:
    """A stable, digest-shaped image ID for ``image`` (no registry is consulted)."""
    digest = hashlib.sha256(image.encode()).hexdigest()
    return f"{image.split('@')[0]}@sha256:{digest}"


def container_id(pod: JsonDict, name: object, restarts: int) -> str:
    """A stable container ID per pod, container and restart."""
    uid = Meta.of(pod).uid or ""
    return "sim://" + hashlib.sha256(f"{uid}/{name}/{restarts}".encode()).hexdigest()[:32]
