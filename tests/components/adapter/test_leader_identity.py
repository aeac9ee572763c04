"""Two replicas given the same identity never both lead: the second waits the Lease out, sees it
renewed under its own identity and refuses with ``DuplicateIdentityError``; an outage is met
with exponential backoff and one log line, not one per retry."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import kmock
import pytest
from kmock import Response  # type: ignore[attr-defined]  # kmock 0.8 does not re-export it

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.leader import LeaderElector
from kube_devops.kube.lease_record import DuplicateIdentityError, LeaseSettings
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually


def _elector(kube_emulator: KubeEmulator, identity: str) -> LeaderElector:
    client = KubeClient.from_config(ClusterConfig(str(kube_emulator.kubeconfig)))
    settings = LeaseSettings(
        name="test-identity", identity=identity, lease_duration=1.5, retry_period=0.1
    )  # renew every 0.5 s
    return LeaderElector(client, settings, rng=lambda: 1.0)


async def test_a_second_replica_with_the_same_identity_is_refused(
    kube_emulator: KubeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = _elector(kube_emulator, "same"), _elector(kube_emulator, "same")
    leading = asyncio.create_task(first.run())
    try:
        await eventually(lambda: first.is_leader, within=5)
        with pytest.raises(DuplicateIdentityError, match="'same'"):
            await asyncio.wait_for(second.run(), 5)  # the first renews within 0.5 s
        assert not second.is_leader
        assert first.is_leader
        assert not leading.done()
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert [r.__dict__["identity"] for r in errors] == ["same"]
        assert "unique --identity" in errors[0].getMessage()
    finally:
        leading.cancel()
        await asyncio.gather(leading, return_exceptions=True)


async def test_an_outage_is_retried_with_backoff_and_logged_once(
    kube_emulator: KubeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kube_devops.kube.leader")
    reads: list[float] = []
    outage = {"on": True}

    def down() -> Any:
        if not outage["on"]:
            return NotImplemented
        reads.append(asyncio.get_event_loop().time())
        return Response(status=503, payload={"kind": "Status", "code": 503})

    kube_emulator.thread.call(lambda e: e[kmock.method.GET] << down)
    elector = _elector(kube_emulator, "alone")
    task = asyncio.create_task(elector.run())
    try:
        await asyncio.sleep(2.0)
        # retry 0.1 s, backoff 0.2, 0.4, then capped at the 0.5 s renew period: reads at about
        # 0, 0.2, 0.6, 1.1, 1.6 (5 in 2 s); without backoff there would be about 20
        assert 3 <= len(reads) <= 6, reads
        warned = [r for r in caplog.records if r.getMessage().startswith("cannot read the lease")]
        assert [r.levelno for r in warned] == [logging.WARNING] + [logging.DEBUG] * (
            len(warned) - 1
        )
        outage["on"] = False
        await eventually(lambda: elector.is_leader, within=3)
        assert [r for r in caplog.records if r.getMessage() == "lease reachable again"]
    finally:
        outage["on"] = False
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
