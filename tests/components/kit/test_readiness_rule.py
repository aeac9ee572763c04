"""One readiness rule for watch and reconcile: 503 once the API server has gone unanswered for
the grace, 200 again when it answers.

The emulator answers every request with 500 for the outage (open watches are cut), then steps
aside for good. Before the rule lived in the kit, reconcile stayed ready through an outage.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import kmock
import pytest
from kmock import Response  # type: ignore[attr-defined]  # kmock 0.8 does not re-export it

from kube_devops.components.reconcile import ReconcileSettings, run_reconcile
from kube_devops.components.watch.controller import WatchControllerSettings, run_watch
from kube_devops.kube.watch import WatchSettings
from kube_devops.runtime.settings import NO_ELECTION, ClusterSettings, ServeSettings
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually

GRACE = 0.5
Run = Callable[..., Coroutine[Any, Any, int]]


def _watch(kubeconfig: str) -> tuple[Run, Any]:
    settings = WatchControllerSettings(
        cluster=ClusterSettings(kubeconfig),
        serve=ServeSettings("127.0.0.1", 0),
        lease=NO_ELECTION,
        watch=WatchSettings(timeout_seconds=5, initial=0.1, maximum=0.2),
        readiness_grace=GRACE,
    )
    return run_watch, settings


def _reconcile(kubeconfig: str) -> tuple[Run, Any]:
    settings = ReconcileSettings(
        cluster=ClusterSettings(kubeconfig),
        serve=ServeSettings("127.0.0.1", 0),
        lease=NO_ELECTION,
        watch_timeout=5,
        readiness_grace=GRACE,
    )
    return run_reconcile, settings


async def _readyz(port: int) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/readyz") as answer,
    ):
        return answer.status


@pytest.mark.parametrize("component", [_watch, _reconcile], ids=["watch", "reconcile"])
async def test_readyz_turns_503_while_the_api_is_down_and_200_when_it_is_back(
    kube_emulator: KubeEmulator, component: Callable[[str], tuple[Run, Any]]
) -> None:
    run, settings = component(str(kube_emulator.kubeconfig))
    stop, bound = asyncio.Event(), asyncio.Future[int]()
    task = asyncio.create_task(run(settings, stop=stop, on_listening=bound.set_result))
    outage = {"on": True}

    def down() -> Any:
        if not outage["on"]:
            return NotImplemented  # steps aside for good
        return Response(status=500, payload={"kind": "Status", "code": 500})

    try:
        port = await asyncio.wait_for(bound, 5)
        assert await eventually(lambda: _ready_is(port, 200), 10, "ready before the outage")
        for action in (kmock.action.LIST, kmock.action.WATCH, kmock.action.FETCH):
            kube_emulator.thread.call(_failing(action, down))
        kube_emulator.thread.drop_watches()
        assert await eventually(lambda: _ready_is(port, 503), 10, "not ready in the outage")
        outage["on"] = False
        assert await eventually(lambda: _ready_is(port, 200), 10, "ready after the outage")
    finally:
        outage["on"] = False
        stop.set()
        assert await asyncio.wait_for(task, 5) == 0


async def _ready_is(port: int, status: int) -> bool:
    return await _readyz(port) == status


def _failing(action: Any, answer: Callable[[], Any]) -> Callable[[Any], None]:
    def script(emulator: Any) -> None:
        emulator[action] << answer

    return script
