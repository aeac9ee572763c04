"""The watch controller's /metrics follows pods created, modified and deleted, exactly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import kmock
import pytest
import yaml
from kmock import Response  # type: ignore[attr-defined]  # kmock 0.8 does not re-export it
from kubernetes import client

from kube_devops.components.watch.controller import WatchControllerSettings, run_watch
from kube_devops.kube.watch import WatchSettings
from kube_devops.runtime.settings import NO_ELECTION, ClusterSettings, ServeSettings
from kube_devops.sandbox.emulator import Hold
from tests.components.watch.metrics_text import samples
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body
from tests.support.waiting import eventually

SCENARIO = yaml.safe_load((Path(__file__).parent / "pods.yaml").read_text())


def _pod(spec: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": spec["image"]}
    if spec.get("probes"):
        container.update(SCENARIO["probes"])
    status: dict[str, Any] = {"phase": spec.get("phase", "Running")}
    if "restarts" in spec:
        status["containerStatuses"] = [
            {
                "name": "app",
                "image": spec["image"],
                "imageID": "",
                "ready": True,
                "restartCount": spec["restarts"],
            }
        ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": spec["name"], "namespace": spec["namespace"]},
        "spec": {"containers": [container]},
        "status": status,
    }


class Controller:
    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.text = ""

    async def status(self, path: str) -> int:
        """The status of ``path``, waiting up to 5 s for it to become 200."""
        return 200 if await self.status_becomes(path, 200) else 0

    async def status_becomes(self, path: str, wanted: int) -> bool:
        """Whether ``path`` answers ``wanted`` within 5 s (fails the test otherwise)."""

        async def answered() -> bool:
            async with aiohttp.ClientSession() as http, http.get(self.url + path) as answer:
                return answer.status == wanted

        return await eventually(answered, 5, f"{path} answering {wanted}")

    async def scrape(self) -> dict[tuple[str, ...], float]:
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/metrics") as answer:
            assert answer.status == 200
            self.text = await answer.text()
        return samples(self.text)


@pytest.fixture
async def controller(kube_emulator: KubeEmulator) -> AsyncIterator[Controller]:
    for namespace in ("team-a", "team-b", "team-c", "kube-system"):
        kube_emulator.thread.seed_namespace(namespace)
    settings = WatchControllerSettings(
        cluster=ClusterSettings(str(kube_emulator.kubeconfig)),
        serve=ServeSettings("127.0.0.1", 0),
        lease=NO_ELECTION,
        watch=WatchSettings(timeout_seconds=5),
    )
    stop, bound = asyncio.Event(), asyncio.Future[int]()
    task = asyncio.create_task(run_watch(settings, stop=stop, on_listening=bound.set_result))
    port = await asyncio.wait_for(bound, 5)
    yield Controller(port)
    stop.set()
    assert await asyncio.wait_for(task, 5) == 0


def _scores(found: dict[tuple[str, ...], float]) -> dict[str, float]:
    return {
        key[1].removeprefix("namespace="): value
        for key, value in found.items()
        if key[0] == "namespace_health_score"
    }


async def test_scores_follow_pod_changes(
    kube_emulator: KubeEmulator, controller: Controller
) -> None:
    assert await controller.status("/readyz") == 200
    core = kube_emulator.core
    for spec in SCENARIO["pods"]:
        core.create_namespaced_pod(spec["namespace"], body(client.V1Pod, _pod(spec)))
    found = await eventually(lambda: _after(controller, "event=ADDED", 8), 5, "8 pods added")
    # team-a: raw 0+5 over 2 pods -> 100-2 = 98; team-b: 5+10+30 = 45 over 3 -> 85;
    # team-c: 10 over 1 -> 90; cluster pooled: 60 over 6 -> 90.
    assert _scores(found) == {"team-a": 98, "team-b": 85, "team-c": 90}
    assert found[("cluster_health_score",)] == 90
    assert found[("pods_tracked_total",)] == 6
    assert found[("pod_events_total", "event=ADDED")] == 8

    fixed = {"name": "app", "image": "nginx:1.26", **SCENARIO["probes"]}
    core.patch_namespaced_pod("a2", "team-a", {"spec": {"containers": [fixed]}})
    core.delete_namespaced_pod("c1", "team-c")
    found = await eventually(lambda: _after(controller, "event=DELETED", 1), 5, "a pod deleted")
    # team-a: 0 over 2 -> 100; team-c gone; cluster: 45 over 5 -> 100-9 = 91.
    assert _scores(found) == {"team-a": 100, "team-b": 85}
    assert found[("cluster_health_score",)] == 91
    assert found[("pods_tracked_total",)] == 5
    assert found[("pod_events_total", "event=MODIFIED")] == 1
    assert 'namespace="team-c"' not in controller.text


async def test_not_ready_until_the_initial_list_is_processed(kube_emulator: KubeEmulator) -> None:
    hold = Hold()
    kube_emulator.thread.call(lambda e: e[kmock.action.LIST, kmock.resource("v1/pods")] << hold)
    settings = WatchControllerSettings(
        cluster=ClusterSettings(str(kube_emulator.kubeconfig)),
        serve=ServeSettings("127.0.0.1", 0),
        lease=NO_ELECTION,
    )
    stop, bound = asyncio.Event(), asyncio.Future[int]()
    task = asyncio.create_task(run_watch(settings, stop=stop, on_listening=bound.set_result))
    try:
        controller = Controller(await asyncio.wait_for(bound, 5))
        assert await asyncio.to_thread(hold.arrived.wait, 5), "the pods were never listed"
        assert await controller.status_becomes("/readyz", 503)
        assert await controller.status("/healthz") == 200
        hold.release()
        assert await controller.status("/readyz") == 200
    finally:
        hold.release()
        stop.set()
        assert await asyncio.wait_for(task, 5) == 0


async def test_readiness_drops_while_the_watch_is_down_and_recovers(
    kube_emulator: KubeEmulator,
) -> None:
    settings = WatchControllerSettings(
        cluster=ClusterSettings(str(kube_emulator.kubeconfig)),
        serve=ServeSettings("127.0.0.1", 0),
        lease=NO_ELECTION,
        watch=WatchSettings(timeout_seconds=5, initial=0.1, maximum=0.2),
        readiness_grace=0.5,
    )
    stop, bound = asyncio.Event(), asyncio.Future[int]()
    task = asyncio.create_task(run_watch(settings, stop=stop, on_listening=bound.set_result))
    controller = Controller(await asyncio.wait_for(bound, 5))
    outage = {"on": True}

    def failing() -> Any:
        if not outage["on"]:
            return NotImplemented  # steps aside for good
        return Response(status=500, payload={"kind": "Status", "code": 500})

    try:
        assert await controller.status("/readyz") == 200
        kube_emulator.thread.call(lambda e: e[kmock.action.WATCH] << failing)
        kube_emulator.thread.call(lambda e: e[kmock.action.LIST] << failing)
        kube_emulator.thread.drop_watches()
        assert await controller.status_becomes("/readyz", 503)
        assert await controller.status("/healthz") == 200
        outage["on"] = False
        assert await controller.status("/readyz") == 200
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 5) == 0


async def _after(controller: Controller, event: str, count: int) -> dict[tuple[str, ...], float]:
    """The scraped samples once ``pod_events_total{event}`` reached ``count`` (else empty)."""
    found = await controller.scrape()
    return found if found.get(("pod_events_total", event)) == count else {}
