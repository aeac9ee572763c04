"""The adapter's client counts requests running in worker threads and drains them itself."""

from __future__ import annotations

import asyncio
import contextlib

import kmock

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.sandbox.emulator import Hold
from tests.support.emulator import KubeEmulator


async def test_a_cancelled_request_is_still_in_flight_until_answered(
    kube_emulator: KubeEmulator,
) -> None:
    hold = Hold()
    kube_emulator.thread.call(lambda e: e[kmock.action.LIST, kmock.resource("v1/pods")] << hold)
    client = KubeClient.from_config(ClusterConfig(str(kube_emulator.kubeconfig)))
    request = asyncio.create_task(client.request("GET", "/api/v1/pods"))
    try:
        assert await asyncio.to_thread(hold.arrived.wait, 5), "the request never arrived"
        request.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await request
        assert client.in_flight == 1  # its worker thread still waits for the answer
        assert await client.drain(0.2) is False
        hold.release()
        assert await client.drain(5) is True
        assert client.in_flight == 0
    finally:
        hold.release()
        await client.aclose(5)


async def test_drain_with_nothing_in_flight_returns_at_once(kube_emulator: KubeEmulator) -> None:
    client = KubeClient.from_config(ClusterConfig(str(kube_emulator.kubeconfig)))
    await client.version()
    assert client.in_flight == 0
    assert await client.drain(0) is True
    await client.aclose(0)
