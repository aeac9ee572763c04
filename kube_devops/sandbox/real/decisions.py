"""What the node simulator does next with one pod: a pure decision from the pod as last seen.

``decide(pod, nodes, now, crash_period)`` returns a :class:`Decision`: the :class:`Step` to take
and, when nothing is due yet, in how many seconds to look again (a readiness delay, the next
crash of a crash-looping pod). Decisions depend only on the pod's own fields, so replaying any
event (a relist, a duplicate) is harmless: a pod already in the wanted state gets ``NOTHING``.

In order: a pod being deleted on one of our nodes is deleted for good (the kubelet's final
confirmation); Succeeded/Failed pods are left alone; an unbound pod is bound to the least loaded
node whose labels satisfy its ``nodeSelector`` — or marked Unschedulable when none does or its
:mod:`behaviour <kube_devops.sandbox.real.behaviour>` is ``pending``; a bound pod not yet
started is started (or finished, for ``succeed``/``fail``); a running pod gets its crash or its
readiness when due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kube_devops.core.bodies import JsonDict
from kube_devops.core.times import parse_rfc3339
from kube_devops.sandbox.real.behaviour import Behaviour
from kube_devops.sandbox.real.container_status import last_crash, ready_at


class Step(StrEnum):
    """One action of the simulator on a pod."""

    NOTHING = "nothing"
    BIND = "bind"
    UNSCHEDULABLE = "unschedulable"
    START = "start"
    FINISH = "finish"
    READY = "ready"
    CRASH = "crash"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Decision:
    """A step, the node to bind to (``BIND``), and seconds until the pod needs another look."""

    step: Step
    node: str | None = None
    recheck_in: float | None = None


@dataclass(frozen=True, slots=True)
class NodeView:
    """The simulated nodes as the scheduler sees them."""

    labels: Mapping[str, Mapping[str, str]]
    """Labels of each node, by node name."""
    load: Mapping[str, int]
    """Pods bound to each node and not finished."""


NOTHING = Decision(Step.NOTHING)
TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})


def decide(
    pod: JsonDict, behaviour: Behaviour, nodes: NodeView, now: dt.datetime, crash_period: float
) -> Decision:
    """The next step for ``pod`` (see the module docstring)."""
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    node = spec.get("nodeName")
    if meta.get("deletionTimestamp"):
        return Decision(Step.DELETE) if node in nodes.labels else NOTHING
    if status.get("phase") in TERMINAL_PHASES:
        return NOTHING
    if not node:
        return _schedule(pod, behaviour, nodes)
    if node not in nodes.labels:
        return NOTHING
    if status.get("phase") != "Running":
        done = behaviour in (Behaviour.SUCCEED, Behaviour.FAIL)
        return Decision(Step.FINISH if done else Step.START)
    if behaviour is Behaviour.CRASH_LOOP:
        return _next_crash(status, now, crash_period)
    return _readiness(pod, now)


def feasible_nodes(pod: JsonDict, nodes: NodeView) -> list[str]:
    """Nodes whose labels hold every ``nodeSelector`` entry, least loaded first (then by name)."""
    selector = (pod.get("spec") or {}).get("nodeSelector") or {}
    fits = [
        name
        for name, labels in nodes.labels.items()
        if all(labels.get(key) == value for key, value in selector.items())
    ]
    return sorted(fits, key=lambda name: (nodes.load.get(name, 0), name))


def unschedulable_message(pod: JsonDict, nodes: NodeView, behaviour: Behaviour) -> str:
    """The scheduler-style reason a pod stays Pending."""
    total = len(nodes.labels)
    if behaviour is Behaviour.PENDING:
        return f"0/{total} nodes are available: the pod is marked to stay Pending."
    return (
        f"0/{total} nodes are available: {total} node(s) didn't match Pod's node affinity/selector."
    )


def _schedule(pod: JsonDict, behaviour: Behaviour, nodes: NodeView) -> Decision:
    fits = [] if behaviour is Behaviour.PENDING else feasible_nodes(pod, nodes)
    if fits:
        return Decision(Step.BIND, node=fits[0])
    conditions = (pod.get("status") or {}).get("conditions") or []
    marked = any(
        c.get("type") == "PodScheduled" and c.get("reason") == "Unschedulable" for c in conditions
    )
    return NOTHING if marked else Decision(Step.UNSCHEDULABLE)


def _next_crash(status: JsonDict, now: dt.datetime, crash_period: float) -> Decision:
    entries = status.get("containerStatuses") or []
    crashes = [last_crash(entry) for entry in entries]
    known = [when for when in crashes if when is not None]
    if not known or len(known) < len(entries):
        return Decision(Step.CRASH)
    due = max(known) + dt.timedelta(seconds=crash_period)
    if due <= now:
        return Decision(Step.CRASH)
    return Decision(Step.NOTHING, recheck_in=(due - now).total_seconds())


def _readiness(pod: JsonDict, now: dt.datetime) -> Decision:
    containers = {c.get("name"): c for c in (pod.get("spec") or {}).get("containers") or []}
    waits: list[float] = []
    for entry in (pod.get("status") or {}).get("containerStatuses") or []:
        running = (entry.get("state") or {}).get("running")
        if entry.get("ready") or not running:
            continue
        due = ready_at(containers.get(entry.get("name"), {}), parse_rfc3339(running["startedAt"]))
        if due <= now:
            return Decision(Step.READY)
        waits.append((due - now).total_seconds())
    return Decision(Step.NOTHING, recheck_in=min(waits)) if waits else NOTHING
