"""Leader gating by events: work runs only while the Lease is held; a standby says so."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from typing import Any

import pytest

from kube_devops.kube.errors import TransientError
from kube_devops.runtime.leadership import Leadership
from kube_devops.runtime.settings import NO_ELECTION, LeaseSettings

#: Fast timing: renew every 0.1 s, try to acquire every 0.05 s (standby after 0.1 s).
LEASE = LeaseSettings(name="gate", identity="me", duration=0.6, renew_period=0.1, retry_period=0.05)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ScriptedLease:
    """A KubeClient stand-in: one Lease held by ``other`` until ``release()``; writes may fail."""

    def __init__(self) -> None:
        spec = {"holderIdentity": "other", "leaseDurationSeconds": 15, "renewTime": _now()}
        self.lease: dict[str, Any] = {"metadata": {"name": "gate"}, "spec": spec}
        self.refuse = False
        self.holders: list[str | None] = []

    def release(self) -> None:
        self.lease["spec"]["holderIdentity"] = ""

    async def get(self, resource: object, name: str, namespace: str) -> dict[str, Any]:
        return self.lease

    async def replace(self, resource: object, body: dict[str, Any], namespace: str) -> Any:
        if self.refuse:
            raise TransientError("API unavailable", where="PUT lease")
        self.holders.append(body["spec"]["holderIdentity"])
        self.lease = body
        return body


class Work:
    """Leader work that records its terms and the stand-by calls."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.running, self.stood_by = asyncio.Event(), asyncio.Event()

    async def __call__(self) -> None:
        self.log.append("started")
        self.running.set()
        try:
            await asyncio.Event().wait()
        finally:
            self.log.append("cancelled")
            self.running.clear()

    def stand_by(self) -> None:
        self.log.append("stand-by")
        self.stood_by.set()


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_work_runs_only_while_leading_and_stops_when_the_lease_is_lost() -> None:
    lease, work = ScriptedLease(), Work()
    gate = Leadership(LEASE, "me", lease)  # type: ignore[arg-type]  # ScriptedLease stands in for KubeClient
    run = asyncio.create_task(gate.run(work, work.stand_by))
    try:
        await asyncio.wait_for(work.stood_by.wait(), 2)  # another replica leads
        assert not gate.is_leader
        assert gate.following.is_set()
        assert work.log == ["stand-by"]

        work.stood_by.clear()
        lease.release()
        await asyncio.wait_for(gate.leading.wait(), 2)
        await asyncio.wait_for(work.running.wait(), 2)
        assert work.log == ["stand-by", "started"]

        lease.refuse = True  # renewal fails: step down at once
        await asyncio.wait_for(gate.following.wait(), 2)
        await asyncio.wait_for(work.stood_by.wait(), 2)
        assert work.log == ["stand-by", "started", "cancelled", "stand-by"]
        assert not gate.leading.is_set()
    finally:
        await _stop(run)


async def test_on_cancellation_the_work_stops_before_the_lease_is_released() -> None:
    lease, work = ScriptedLease(), Work()
    lease.release()
    gate = Leadership(LEASE, "me", lease)  # type: ignore[arg-type]  # ScriptedLease stands in for KubeClient
    run = asyncio.create_task(gate.run(work, work.stand_by))
    await asyncio.wait_for(work.running.wait(), 2)
    written = len(lease.holders)
    await _stop(run)
    assert work.log == ["started", "cancelled"]
    assert lease.holders[written:] == [None]  # the release, after the work ended
    assert lease.lease["spec"]["holderIdentity"] is None


async def test_without_election_the_replica_leads_from_the_start() -> None:
    work = Work()
    gate = Leadership(NO_ELECTION, "me", None)
    assert gate.is_leader
    run = asyncio.create_task(gate.run(work, work.stand_by))
    await asyncio.wait_for(work.running.wait(), 2)
    await _stop(run)
    assert work.log == ["started", "cancelled"]


async def test_work_that_fails_on_its_own_ends_the_run() -> None:
    async def broken() -> None:
        raise ValueError("operator crashed")

    with pytest.raises(ValueError, match="operator crashed"):
        await asyncio.wait_for(Leadership(NO_ELECTION, "me", None).run(broken), 2)


async def test_work_that_returns_ends_the_run_with_a_clear_error() -> None:
    async def quits() -> None:
        return None

    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        await asyncio.wait_for(Leadership(NO_ELECTION, "me", None).run(quits), 2)


def test_election_needs_a_client() -> None:
    with pytest.raises(ValueError, match="needs an API client"):
        Leadership(LEASE, "me", None)
