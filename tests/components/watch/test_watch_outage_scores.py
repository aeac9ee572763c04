"""A lone watch replica that loses its Lease in an API outage keeps its last scores, with their
age, instead of going blank; a malformed pod on the way is skipped and counted.

The emulator answers every request with 500 during the outage (open watches are cut), so the
replica cannot renew its 1.5 s Lease and steps down within about a second.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import kmock
import pytest
from kmock import Response  # type: ignore[attr-defined]  # kmock 0.8 does not re-export it

from kube_devops.components.watch.controller import WatchControllerSettings, run_watch
from kube_devops.kube.watch import WatchSettings
from kube_devops.runtime.settings import ClusterSettings, LeaseSettings, ServeSettings
from tests.components.watch.metrics_text import samples
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually

LEASE = LeaseSettings(name="outage-watch", duration=1.5, renew_period=0.5, retry_period=0.25)


def _pod(name: str, containers: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "team-a"},
        "spec": {"containers": containers},
        "status": {"phase": "Running"},
    }


async def _scrape(port: int) -> dict[tuple[str, ...], float]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as answer,
    ):
        return samples(await answer.text())


def _failing(action: Any, answer: Any) -> Any:
    def script(emulator: Any) -> None:
        emulator[action] << answer

    return script


async def test_last_scores_stay_exported_with_their_age_through_an_outage(
    kube_emulator: KubeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    kube_emulator.thread.seed_namespace("team-a")
    kube_emulator.thread.seed("v1/pods", _pod("latest", [{"name": "app", "image": "nginx"}]))
    kube_emulator.thread.seed("v1/pods", _pod("broken", "string"))  # the API cannot refuse it
    settings = WatchControllerSettings(
        cluster=ClusterSettings(str(kube_emulator.kubeconfig)),
        serve=ServeSettings("127.0.0.1", 0),
        lease=LEASE,
        watch=WatchSettings(timeout_seconds=5, initial=0.1, maximum=0.2),
    )
    stop, bound = asyncio.Event(), asyncio.Future[int]()
    task = asyncio.create_task(run_watch(settings, stop=stop, on_listening=bound.set_result))
    outage = {"on": True}

    def down() -> Any:
        if not outage["on"]:
            return NotImplemented
        return Response(status=500, payload={"kind": "Status", "code": 500})

    try:
        port = await asyncio.wait_for(bound, 5)

        async def scored() -> dict[tuple[str, ...], float] | None:
            found = await _scrape(port)
            return found if ("cluster_health_score",) in found else None

        before = await eventually(scored, 10, "the leader's scores")
        # nginx untagged, no probes: raw 5 + 3 + 2 = 10 -> score 90; the broken pod is skipped
        assert before[("cluster_health_score",)] == 90
        assert before[("pods_tracked_total",)] == 1
        assert before[("pods_skipped", "reason=malformed")] == 1
        assert _age(before) < 1  # in sync: the last-sync time is the scrape time
        for method in (kmock.method.GET, kmock.method.PUT, kmock.method.POST):
            kube_emulator.thread.call(_failing(method, down))
        kube_emulator.thread.drop_watches()

        async def stale() -> dict[tuple[str, ...], float] | None:
            found = await _scrape(port)
            return found if _age(found) > 3 else None

        during = await eventually(stale, 15, "a sync age above the 1.5 s Lease, twice over")
        assert [r for r in caplog.records if r.getMessage() == "stepped down"]
        assert during[("cluster_health_score",)] == 90  # the last known state, still exported
        assert during[("namespace_health_score", "namespace=team-a")] == 90
        assert during[("pods_tracked_total",)] == 1
        outage["on"] = False
        await eventually(lambda: _age_is_zero(port), 15, "back in sync after the outage")
    finally:
        outage["on"] = False
        stop.set()
        assert await asyncio.wait_for(task, 5) == 0


async def _age_is_zero(port: int) -> bool:
    return _age(await _scrape(port)) < 1


def _age(found: dict[tuple[str, ...], float]) -> float:
    return time.time() - found[("pods_last_sync_timestamp_seconds",)]
