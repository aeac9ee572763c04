"""Lease election timing: renew every third of the duration, take only expired leases, release."""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

import pytest

from kube_devops.kube.errors import NotFound
from kube_devops.kube.leader import LeaderElector
from kube_devops.kube.lease_record import LeaseSettings, unique_identity
from tests.support.waiting import SleptEnoughError, record_sleeps

NOW = 1_700_000_000.0  # the injected wall clock: 2023-11-14T22:13:20Z


class LeaseClient:
    """A KubeClient stand-in holding one Lease (or none) and recording the writes."""

    def __init__(self, lease: dict[str, Any] | None) -> None:
        self.lease = lease
        self.written: list[dict[str, Any]] = []

    async def get(self, resource: object, name: str, namespace: str) -> dict[str, Any]:
        if self.lease is None:
            raise NotFound(f'leases "{name}" not found', status=404)
        return self.lease

    async def create(self, resource: object, body: dict[str, Any], namespace: str) -> Any:
        self.written.append(body["spec"])
        self.lease = body
        return body

    async def replace(self, resource: object, body: dict[str, Any], namespace: str) -> Any:
        self.written.append(body["spec"])
        self.lease = body
        return body


def _elector(client: LeaseClient) -> LeaderElector:
    settings = LeaseSettings(name="watch", identity="me", lease_duration=15.0)
    return LeaderElector(client, settings, clock=lambda: NOW)  # type: ignore[arg-type]  # LeaseClient stands in for KubeClient


def _held_by(holder: str, renewed: str) -> dict[str, Any]:
    spec = {"holderIdentity": holder, "leaseDurationSeconds": 15, "renewTime": renewed,
            "acquireTime": renewed, "leaseTransitions": 4}  # fmt: skip
    return {"metadata": {"name": "watch", "namespace": "kube-devops"}, "spec": spec}


async def test_creates_renews_every_third_of_the_duration_and_releases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = LeaseClient(None)
    delays = record_sleeps(monkeypatch, 3)
    with pytest.raises(SleptEnoughError):
        await _elector(client).run()
    assert delays == [5.0, 5.0, 5.0]  # 15 s / 3
    holders = [(w["holderIdentity"], w["leaseDurationSeconds"]) for w in client.written]
    assert holders == [("me", 15), ("me", 15), ("me", 15), (None, 1)]  # create, 2 renewals, release
    assert client.written[1]["renewTime"] == "2023-11-14T22:13:20.000000Z"


async def test_takes_an_expired_lease_counting_the_transition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = LeaseClient(_held_by("ghost", "2023-11-14T22:13:04.000000Z"))  # 16 s old
    delays = record_sleeps(monkeypatch, 1)
    elector = _elector(client)
    with pytest.raises(SleptEnoughError):
        await elector.run()
    assert delays == [5.0]  # leading: the next thing is a renewal
    assert client.written[0]["holderIdentity"] == "me"
    assert client.written[0]["leaseTransitions"] == 5


async def test_leaves_a_live_lease_alone_and_retries_every_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = LeaseClient(_held_by("other", "2023-11-14T22:13:10.000000Z"))  # 10 s old
    delays = record_sleeps(monkeypatch, 3)
    elector = _elector(client)
    with pytest.raises(SleptEnoughError):
        await elector.run()
    assert delays == [1.0, 1.0, 1.0]  # min(1, 5 / 2)
    assert client.written == []
    assert not elector.is_leader


def test_identities_are_unique_per_replica() -> None:
    first, second = unique_identity(), unique_identity()
    assert first != second
    assert first.startswith(f"{socket.gethostname()}-{os.getpid()}-")


class CancellingClient(LeaseClient):
    """Cancels the elector's task while its first renewal completes."""

    def __init__(self) -> None:
        super().__init__(None)
        self.task: asyncio.Task[None] | None = None

    async def replace(self, resource: object, body: dict[str, Any], namespace: str) -> Any:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        return await super().replace(resource, body, namespace)


async def test_a_cancellation_landing_as_a_renewal_completes_stops_the_elector() -> None:
    client = CancellingClient()
    settings = LeaseSettings(name="watch", identity="me", lease_duration=0.3)  # renew every 0.1 s
    elector = LeaderElector(client, settings, clock=lambda: NOW)  # type: ignore[arg-type]  # LeaseClient stands in for KubeClient
    task = asyncio.create_task(elector.run())
    client.task = task
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 2.0)
    assert not elector.is_leader
