"""What a pod should do on the simulated nodes, read from one annotation on the pod.

The sample workloads (``kube-tests/sample-workloads.yaml``) carry it on a Pod or on a workload's
pod template::

    metadata:
      annotations:
        sandbox.devops.stochastic.io/simulate: crash-loop   # or pending, succeed, fail

- ``crash-loop``: the containers start, then restart every few seconds (``restartCount`` grows,
  ``state.waiting.reason: CrashLoopBackOff``, ``lastState.terminated``); never ready.
- ``pending``: never bound to a node; the pod stays ``Pending`` and ``Unschedulable``.
- ``succeed`` / ``fail``: the containers run to completion at once: phase ``Succeeded`` (exit
  code 0) or ``Failed`` (exit code 1).

Without the annotation a pod runs and becomes ready like any healthy pod. A ``nodeSelector``
that no simulated node satisfies also leaves a pod Pending, as the scheduler would.
A real cluster ignores the annotation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kube_devops.core.policy import GROUP

SIMULATE_ANNOTATION = f"sandbox.{GROUP}/simulate"
"""The annotation naming a pod's :class:`Behaviour`."""


class Behaviour(StrEnum):
    """What a pod does on the simulated nodes (see the module docstring)."""

    RUN = "run"
    CRASH_LOOP = "crash-loop"
    PENDING = "pending"
    SUCCEED = "succeed"
    FAIL = "fail"


def behaviour_of(pod: dict[str, Any]) -> Behaviour:
    """The pod's behaviour; ``RUN`` without the annotation. An unknown value raises ValueError
    naming the pod, the annotation and the values allowed."""
    meta = pod.get("metadata") or {}
    value = (meta.get("annotations") or {}).get(SIMULATE_ANNOTATION)
    if value is None:
        return Behaviour.RUN
    try:
        return Behaviour(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(b.value for b in Behaviour if b is not Behaviour.RUN)
        where = f"pod {meta.get('namespace')}/{meta.get('name')}"
        raise ValueError(
            f"{where}: annotation {SIMULATE_ANNOTATION}={value!r} is unknown; use one of: {allowed}"
        ) from None
