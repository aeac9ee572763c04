"""When each policy is due: immediate on policy changes, debounced on pod changes, periodic.

``Scheduler`` keeps the last seen object of every policy and a due time per policy key
(``namespace/name``). ``policy_changed`` makes a policy due now (``policy_seen`` only refreshes
the stored object, ``policy_listed`` refreshes it and makes it due); ``pods_changed(namespace)``
makes that namespace's policies due after ``debounce`` seconds (counted from the *first* change,
so a stream of pod events cannot postpone an evaluation); ``tick`` makes every policy due (the
``--interval`` timer); ``failed`` re-schedules with exponential backoff plus jitter.
``await next_due()`` returns the key and object of the earliest due policy (``pop_due()`` is its
non-waiting form).

Backoff holds whatever triggers the policy: after ``failed`` no pod event, tick or relist makes
it due before its retry time. Only ``succeeded`` or ``policy_changed`` (a new policy, or a change
of its spec, generation or deletion mark) ends the backoff.

It also tracks the first full cycle: after ``initial_listing_done``, ``first_cycle_done`` turns
true once every policy known at that moment has been reconciled once (at once with none).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from kube_devops.core.meta import Meta


def policy_key(obj: Mapping[str, Any]) -> str:
    """``namespace/name`` of a policy object."""
    return Meta.of(obj).key


class Scheduler:
    """Due times of policies (see the module docstring)."""

    def __init__(
        self,
        *,
        debounce: float,
        backoff_base: float,
        backoff_max: float,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = lambda: random.uniform(0.8, 1.2),
    ) -> None:
        self.debounce = debounce
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.clock = clock
        self.jitter = jitter
        self.policies: dict[str, dict[str, Any]] = {}
        self._due: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, float] = {}
        self._first: set[str] | None = None
        self._wake = asyncio.Event()

    # -- triggers ------------------------------------------------------------------------------

    def policy_changed(self, obj: dict[str, Any]) -> None:
        """A policy was added or its spec changed: keep the object, end its backoff, evaluate it
        now."""
        key = policy_key(obj)
        self.policies[key] = obj
        self.succeeded(key)
        self._mark(key, self.clock())

    def policy_listed(self, obj: dict[str, Any]) -> None:
        """A (re)list returned the policy unchanged: keep it, evaluate it now (backoff holds)."""
        key = policy_key(obj)
        if key not in self.policies:
            self.policy_changed(obj)
            return
        self.policies[key] = obj
        self._mark(key, self.clock())

    def policy_seen(self, obj: dict[str, Any]) -> None:
        """A policy changed in a way that needs no evaluation (status, our finalizer): keep it."""
        key = policy_key(obj)
        if key in self.policies:
            self.policies[key] = obj
        else:
            self.policy_changed(obj)

    def policy_deleted(self, key: str) -> None:
        """A policy is gone from the API: forget it."""
        self.policies.pop(key, None)
        self._due.pop(key, None)
        self._failures.pop(key, None)
        self._retry_at.pop(key, None)
        self.done(key)

    def pods_changed(self, namespace: str) -> None:
        """A pod in ``namespace`` changed: its policies are due after the debounce delay."""
        prefix = f"{namespace}/"
        at = self.clock() + self.debounce
        for key in self.policies:
            if key.startswith(prefix):
                self._mark(key, at)

    def tick(self) -> None:
        """The periodic timer fired: every policy is due now."""
        now = self.clock()
        for key in self.policies:
            self._mark(key, now)

    def failed(self, key: str) -> float:
        """A reconcile of ``key`` failed: retry after a growing delay (returned)."""
        count = self._failures.get(key, 0) + 1
        self._failures[key] = count
        delay: float = min(self.backoff_max, self.backoff_base * 2.0 ** (count - 1))
        delay *= self.jitter()
        self._retry_at[key] = at = self.clock() + delay
        self._mark(key, at, force=True)
        return delay

    def succeeded(self, key: str) -> None:
        """A reconcile of ``key`` succeeded: reset its backoff."""
        self._failures.pop(key, None)
        self._retry_at.pop(key, None)

    # -- first full cycle ----------------------------------------------------------------------

    def initial_listing_done(self) -> None:
        """The first policy listing is in: the first cycle covers exactly these policies."""
        if self._first is None:
            self._first = set(self.policies)

    def done(self, key: str) -> None:
        """``key`` was reconciled (successfully or not) once more."""
        if self._first is not None:
            self._first.discard(key)

    @property
    def first_cycle_done(self) -> bool:
        """True once every initially listed policy has been reconciled once."""
        return self._first is not None and not self._first

    # -- consumer ------------------------------------------------------------------------------

    async def next_due(self) -> tuple[str, dict[str, Any]]:
        """Wait for the earliest due policy; returns its key and last seen object."""
        while True:
            self._wake.clear()
            found = self.pop_due()
            if found is not None:
                return found
            wait = min(self._due.values()) - self.clock() if self._due else None
            # asyncio.timeout, not wait_for: Python 3.11's wait_for loses a cancellation that
            # lands as the event is set, and the worker would then never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    def pop_due(self) -> tuple[str, dict[str, Any]] | None:
        """The earliest policy due by now (taken off the schedule), or None."""
        if not self._due:
            return None
        key = min(self._due, key=self._due.__getitem__)
        if self._due[key] > self.clock():
            return None
        del self._due[key]
        return key, self.policies[key]

    def _mark(self, key: str, at: float, *, force: bool = False) -> None:
        if key not in self.policies:
            return
        at = max(at, self._retry_at.get(key, at))  # never before a pending retry
        current = self._due.get(key)
        if force or current is None or at < current:
            self._due[key] = at
        self._wake.set()
