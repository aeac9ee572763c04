"""Lease leader election between replicas sharing one emulated API server."""

from __future__ import annotations

import asyncio
import time

import kmock

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.leader import LeaderElector
from kube_devops.kube.lease_record import LeaseSettings
from kube_devops.sandbox.emulator import once
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import spec
from tests.support.waiting import eventually


def _elector(kube_emulator: KubeEmulator, identity: str, events: list[str]) -> LeaderElector:
    client = KubeClient.from_config(ClusterConfig(str(kube_emulator.kubeconfig)))
    settings = LeaseSettings(
        name="test-leader", identity=identity, lease_duration=1.5, retry_period=0.1
    )
    return LeaderElector(
        client,
        settings,
        on_started=lambda: events.append(f"{identity} started"),
        on_stopped=lambda: events.append(f"{identity} stopped"),
    )


async def test_one_leader_then_release_hands_over_at_once(kube_emulator: KubeEmulator) -> None:
    events: list[str] = []
    a, b = _elector(kube_emulator, "a", events), _elector(kube_emulator, "b", events)
    tasks = {"a": asyncio.create_task(a.run()), "b": asyncio.create_task(b.run())}
    try:
        await eventually(lambda: a.is_leader or b.is_leader)
        for _ in range(40):  # two seconds, more than a lease duration
            assert [a.is_leader, b.is_leader].count(True) == 1
            await asyncio.sleep(0.05)
        leader, follower = (a, b) if a.is_leader else (b, a)
        name = leader.settings.identity
        lease = kube_emulator.coordination.read_namespaced_lease("test-leader", "kube-devops")
        assert spec(lease).holder_identity == name
        tasks[name].cancel()
        await asyncio.gather(tasks[name], return_exceptions=True)
        released = time.monotonic()
        lease = kube_emulator.coordination.read_namespaced_lease("test-leader", "kube-devops")
        assert spec(lease).holder_identity in (None, follower.settings.identity)  # released
        await eventually(lambda: follower.is_leader, within=1.0)
        assert time.monotonic() - released < 0.5
        assert events == [
            f"{name} started",
            f"{name} stopped",
            f"{follower.settings.identity} started",
        ]
    finally:
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)


async def test_failed_renewal_steps_down_at_once(kube_emulator: KubeEmulator) -> None:
    events: list[str] = []
    a = _elector(kube_emulator, "a", events)
    task = asyncio.create_task(a.run())
    try:
        await eventually(lambda: a.is_leader)
        kube_emulator.thread.call(lambda e: e[kmock.method.PUT] << once(500, "etcd timeout"))
        failed_from = time.monotonic()
        await eventually(lambda: "a stopped" in events, within=2.0)
        assert time.monotonic() - failed_from <= 0.5 + 0.3  # one renew period and slack
        assert events[:2] == ["a started", "a stopped"]  # it may lead again right after
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
