"""Leader gating of one replica: an ``asyncio.Event`` set while it holds the component's Lease.

Public API: ``Leadership(settings, identity, client)`` with ``is_leader``, ``exports()`` (leads,
or led last and has seen no other holder since), the events ``leading``
and ``following`` (exactly one is set at any time), and ``await run(work=None, stand_by=None)``,
which runs the adapter's ``LeaderElector`` (its ``on_started``/``on_stopped`` callbacks flip the
events) and, when ``work`` is given, runs ``work()`` for every leadership term: started when this
replica becomes leader, cancelled at once when it stops leading, after which ``stand_by()`` is
called. ``stand_by()`` is also called once when this replica has not led for two acquisition
periods after start (a standby knows another replica leads). Without election
(``settings.enabled`` false) the replica leads from the start and ``work`` runs until cancelled.

Nothing polls: every wait is on an event or a task. ``run`` re-raises when the election or the
work fails on its own; on cancellation the work stops first, then the Lease is released.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from kube_devops.kube.client import KubeClient
from kube_devops.kube.leader import LeaderElector
from kube_devops.runtime.settings import LeaseSettings

Work = Callable[[], Coroutine[Any, Any, None]]


class Leadership:
    """Who leads, as events (see the module docstring)."""

    def __init__(self, settings: LeaseSettings, identity: str, client: KubeClient | None) -> None:
        self.leading, self.following = asyncio.Event(), asyncio.Event()
        self.elector: LeaderElector | None = None
        self._led = False
        self.standby_after = 0.0
        """Seconds without leading after which this replica stands by (two retry periods)."""
        if not settings.enabled:
            self.leading.set()
            return
        if client is None:
            raise ValueError("leader election needs an API client")
        elector_settings = settings.for_elector(identity)
        self.elector = LeaderElector(
            client, elector_settings, on_started=self._started, on_stopped=self._stopped
        )
        self.standby_after = 2 * elector_settings.retry_every
        self.following.set()

    @property
    def is_leader(self) -> bool:
        """Whether this replica leads right now."""
        return self.leading.is_set()

    def exports(self) -> bool:
        """Whether this replica exports leader-only series: it leads, or it led last and has
        seen no other holder on the Lease since (a lone replica cut off from the API server
        keeps its last state instead of going blank)."""
        if self.is_leader:
            return True
        elector = self.elector
        return elector is not None and self._led and elector.holder == elector.settings.identity

    def _started(self) -> None:
        self._led = True
        self.following.clear()
        self.leading.set()

    def _stopped(self) -> None:
        self.leading.clear()
        self.following.set()

    async def run(
        self, work: Work | None = None, stand_by: Callable[[], None] | None = None
    ) -> None:
        """Elect and run ``work`` while leading, until cancelled (see the module docstring)."""
        election = asyncio.create_task(self._elect())
        try:
            if work is None:
                await election
            else:
                await self._terms(election, work, stand_by or _nothing)
        finally:
            election.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await election

    async def _elect(self) -> None:
        if self.elector is None:
            await asyncio.Event().wait()  # no election: lead until cancelled
        else:
            await self.elector.run()

    async def _terms(
        self, election: asyncio.Task[None], work: Work, stand_by: Callable[[], None]
    ) -> None:
        if self.elector is not None and not await _first(
            election, self.leading.wait(), within=self.standby_after
        ):
            stand_by()  # nobody made us leader yet: another replica leads
        while True:
            await _first(election, self.leading.wait())
            term = asyncio.create_task(work())
            try:
                await _first(election, self.following.wait(), term)
            finally:
                term.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await term
            stand_by()


def _nothing() -> None:
    return None


async def _first(
    election: asyncio.Task[None],
    wait: Coroutine[Any, Any, Any],
    term: asyncio.Task[None] | None = None,
    *,
    within: float | None = None,
) -> bool:
    """Wait for ``wait`` (True), ``within`` s (False), or raise when ``election``/``term`` end."""
    waiter = asyncio.create_task(wait)
    watched = {election, waiter} | ({term} if term is not None else set())
    try:
        done, _ = await asyncio.wait(watched, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        await asyncio.wait({waiter})  # let it finish; a cancellation of ours still propagates
    for ended in (election, term):
        if ended is not None and ended in done:
            ended.result()  # re-raise what ended it
            raise RuntimeError("the leader election or the leader's work stopped unexpectedly")
    return waiter in done
