"""Backoff of remediation patches the API server refused, so a refusal is reported once per step.

A workload patch the API keeps refusing (a validation error, an admission webhook's denial, a
missing permission) would otherwise be tried, logged, counted and recorded as an Event in every
reconcile cycle, and cycles follow pod events. ``RejectionBook`` remembers each refusal per
policy and workload (``key``) with the plan it refused (``fingerprint``: the policy's
generation, the workload's generation and the planned changes); the same plan is not tried again
before ``retry_at``, which doubles per refusal from ``base`` up to ``maximum`` seconds (with
jitter). A different plan — the policy or the workload was edited — is tried at once. Pure: the
caller passes the time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from kube_devops.core.times import rfc3339


@dataclass(frozen=True, slots=True)
class Rejection:
    """The standing refusal of one workload patch."""

    error: str
    """The API server's answer to the last attempt."""
    attempts: int
    """Attempts of this plan refused in a row."""
    retry_at: float
    """Epoch seconds before which the same plan is not tried again."""
    fingerprint: Hashable
    """What was refused (see the module docstring)."""

    @property
    def message(self) -> str:
        """The refusal for people: the API's message, the count and the next attempt."""
        at = rfc3339(self.retry_at)
        return f"{self.error} (attempt {self.attempts}; next attempt at {at})"


def _jitter() -> float:
    return random.uniform(0.8, 1.2)


class RejectionBook:
    """Standing refusals by key (see the module docstring)."""

    def __init__(
        self, *, base: float = 1.0, maximum: float = 60.0, jitter: Callable[[], float] = _jitter
    ) -> None:
        self.base = base
        self.maximum = maximum
        self.jitter = jitter
        self._entries: dict[str, Rejection] = {}

    def holding(self, key: str, fingerprint: Hashable, now: float) -> Rejection | None:
        """The refusal that still holds back this plan at ``now``, or None (try it)."""
        entry = self._entries.get(key)
        if entry is None or entry.fingerprint != fingerprint or now >= entry.retry_at:
            return None
        return entry

    def rejected(self, key: str, fingerprint: Hashable, error: str, now: float) -> Rejection:
        """An attempt at ``now`` was refused with ``error``: the next step of the backoff."""
        previous = self._entries.get(key)
        same = previous is not None and previous.fingerprint == fingerprint
        attempts = previous.attempts + 1 if same and previous is not None else 1
        delay = min(self.maximum, self.base * 2.0 ** (attempts - 1)) * self.jitter()
        entry = Rejection(error, attempts, now + delay, fingerprint)
        self._entries[key] = entry
        return entry

    def cleared(self, key: str) -> None:
        """The workload was patched or needs nothing any more: forget its refusal."""
        self._entries.pop(key, None)

    def forget(self, prefix: str) -> None:
        """Forget every refusal whose key starts with ``prefix`` (a policy that is gone)."""
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]
