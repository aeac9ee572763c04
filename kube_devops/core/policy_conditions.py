"""The ``Ready`` condition of a ``DevOpsPolicy`` status (pure).

- ``ConditionReason`` — the ``reason`` vocabulary of the condition;
- ``ready_condition(ok, reason, message, policy, now, previous)`` — the condition, keeping
  ``lastTransitionTime`` from ``previous`` (the status on the object) while its status is unchanged;
- ``failed_status(policy, error, now=, previous=, reason=)`` — the status patch of a failed
  evaluation (only the condition changes).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from kube_devops.core.policy import Policy
from kube_devops.core.times import rfc3339

READY = "Ready"


class ConditionReason(StrEnum):
    """``reason`` of the ``Ready`` condition."""

    EVALUATED = "Evaluated"
    """The namespace was evaluated and the status is current."""
    INVALID_SPEC = "InvalidSpec"
    """The policy's spec does not validate; the message says which field and how to fix it."""
    EVALUATION_FAILED = "EvaluationFailed"
    """The evaluation failed (API error); retried with backoff."""


def failed_status(
    policy: Policy,
    error: str,
    *,
    now: float,
    previous: Mapping[str, Any] | None = None,
    reason: ConditionReason = ConditionReason.EVALUATION_FAILED,
) -> dict[str, Any]:
    """A status patch saying the evaluation failed (only the condition changes)."""
    condition = ready_condition(False, reason, error, policy, now, previous)
    return {"conditions": [condition]}


def ready_condition(
    ok: bool,
    reason: ConditionReason,
    message: str,
    policy: Policy,
    now: float,
    previous: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The ``Ready`` condition; ``lastTransitionTime`` kept when the status is unchanged."""
    state = "True" if ok else "False"
    since = rfc3339(now)
    for old in (previous or {}).get("conditions") or ():
        if isinstance(old, dict) and old.get("type") == READY and old.get("status") == state:
            since = old.get("lastTransitionTime") or since
    return {
        "type": READY,
        "status": state,
        "reason": reason.value,
        "message": message,
        "lastTransitionTime": since,
        "observedGeneration": policy.generation,
    }
