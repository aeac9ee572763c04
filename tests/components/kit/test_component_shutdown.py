"""SIGTERM while the component's API client has a request in flight: the request is drained.

Cancelling the task that awaits a request does not stop the worker thread running it; the kit
waits for that thread (``KubeClient.aclose``) before it closes the connection pool, so
``run_component`` returns only after the held request has been answered.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import kmock

from kube_devops.kube.client import KubeClient
from kube_devops.runtime.component import Kit, Parts, run_component
from kube_devops.runtime.settings import (
    NO_ELECTION,
    ClusterSettings,
    ComponentSettings,
    ServeSettings,
)
from kube_devops.sandbox.emulator import Hold
from tests.support.emulator import KubeEmulator

HELD_AFTER_SIGTERM = 1.0
"""Seconds the emulator keeps answering the request after SIGTERM (less than the drain time)."""


async def test_sigterm_drains_the_request_in_flight(kube_emulator: KubeEmulator) -> None:
    hold = Hold()
    kube_emulator.thread.call(lambda e: e[kmock.action.LIST, kmock.resource("v1/pods")] << hold)
    settings = ComponentSettings(
        serve=ServeSettings("127.0.0.1", 0, shutdown_timeout=1.0),
        cluster=ClusterSettings(str(kube_emulator.kubeconfig), drain_timeout=5.0),
        lease=NO_ELECTION,
    )
    clients: list[KubeClient] = []

    def assemble(kit: Kit) -> Parts:
        clients.append(kit.client)

        async def list_pods() -> None:
            await kit.client.request("GET", "/api/v1/pods")
            await asyncio.Event().wait()

        return Parts(ready=lambda: True, tasks=[list_pods])

    listening = asyncio.get_running_loop().create_future()
    run = asyncio.create_task(run_component(settings, assemble, on_listening=listening.set_result))
    try:
        await asyncio.wait_for(listening, 5)
        assert await asyncio.to_thread(hold.arrived.wait, 5), "the request never reached the API"
        assert clients[0].in_flight == 1
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL, "no SIGTERM handler"
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(HELD_AFTER_SIGTERM)  # time passes: the held request must be awaited
        assert not run.done(), "run_component returned while its request was still held"
        released = time.monotonic()
        hold.release()
        assert await asyncio.wait_for(run, 10) == 0
        assert time.monotonic() >= released
        assert clients[0].in_flight == 0
    finally:
        hold.release()
        if not run.done():
            run.cancel()
