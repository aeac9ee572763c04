"""The list+watch adapter keeps a handler equal to the API's truth across outages and 410s."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import cast

import kmock
from kubernetes import client

from kube_devops.core.bodies import Pod
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.resources import PODS
from kube_devops.kube.watch import Watcher, WatchSettings
from kube_devops.sandbox.emulator import once
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body
from tests.support.waiting import eventually

FAST = WatchSettings(timeout_seconds=2, initial=0.3, maximum=1.0)


class Recorder:
    """A WatchHandler keeping ``namespace/name -> image``."""

    def __init__(self) -> None:
        self.pods: dict[str, str] = {}
        self.resyncs = 0

    def resync(self, items: list[dict[str, object]]) -> None:
        self.resyncs += 1
        self.pods = dict(_entry(item) for item in items)

    def apply(self, event_type: str, obj: dict[str, object]) -> None:
        key, image = _entry(obj)
        if event_type == "DELETED":
            self.pods.pop(key, None)
        else:
            self.pods[key] = image


def _entry(obj: dict[str, object]) -> tuple[str, str]:
    pod = cast(Pod, obj)  # the watch delivers pods
    image = pod["spec"]["containers"][0]["image"]
    assert image is not None
    return f"{pod['metadata']['namespace']}/{pod['metadata']['name']}", image


@contextlib.asynccontextmanager
async def watching(
    emu: KubeEmulator, settings: WatchSettings = FAST
) -> AsyncIterator[tuple[Watcher, Recorder]]:
    """A pod watcher running against ``emu`` into a fresh ``Recorder``; stopped afterwards."""
    client = KubeClient.from_config(ClusterConfig(str(emu.kubeconfig)))
    watcher, recorder = Watcher(client, PODS, settings=settings), Recorder()
    task = asyncio.create_task(watcher.run(recorder))
    try:
        yield watcher, recorder
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        client.close()


def _pod(name: str, image: str) -> client.V1Pod:
    return body(
        client.V1Pod,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": image}]},
        },
    )


async def test_dropped_connection_and_outage_changes_are_caught_up(
    kube_emulator: KubeEmulator,
) -> None:
    core = kube_emulator.core
    core.create_namespaced_pod("default", _pod("a", "nginx:1"))
    async with watching(kube_emulator) as (watcher, recorder):
        await eventually(lambda: recorder.pods == {"default/a": "nginx:1"})
        kube_emulator.thread.call(lambda e: e[kmock.action.WATCH] << once(500, "apiserver busy"))
        assert kube_emulator.thread.drop_watches() == 1
        core.create_namespaced_pod("kube-devops", _pod("b", "redis:7"))
        core.patch_namespaced_pod(
            "a", "default", {"spec": {"containers": [{"name": "app", "image": "nginx:2"}]}}
        )
        await eventually(lambda: watcher.errors >= 1)
        core.delete_namespaced_pod("a", "default")
        await eventually(lambda: recorder.pods == {"kube-devops/b": "redis:7"})
        assert watcher.down_since is None
        assert recorder.resyncs == 1


async def test_gone_relists_to_the_truth(kube_emulator: KubeEmulator) -> None:
    core = kube_emulator.core
    core.create_namespaced_pod("default", _pod("a", "nginx:1"))
    async with watching(kube_emulator) as (watcher, recorder):
        await eventually(lambda: recorder.resyncs == 1 and len(recorder.pods) == 1)
        kube_emulator.thread.call(lambda e: e[kmock.action.WATCH] << once(503))
        kube_emulator.thread.drop_watches()
        core.delete_namespaced_pod("a", "default")
        core.create_namespaced_pod("default", _pod("c", "busybox"))
        kube_emulator.thread.compact()
        await eventually(lambda: recorder.resyncs == 2)
        assert recorder.pods == {"default/c": "busybox"}
        assert watcher.relists == 2


async def test_server_timeout_resumes_without_relist(kube_emulator: KubeEmulator) -> None:
    settings = WatchSettings(timeout_seconds=1, initial=0.3, maximum=1.0)
    async with watching(kube_emulator, settings) as (watcher, recorder):
        await eventually(lambda: watcher.synced)
        # The 1 s server-side timeout ends the first watch; the next one resumes from the
        # resourceVersion of the list (not "" = a fresh list) before the late pod exists.
        await eventually(lambda: any(rv for _path, rv in _watches_started(kube_emulator)[1:]))
        kube_emulator.core.create_namespaced_pod("default", _pod("late", "nginx:1"))
        await eventually(lambda: recorder.pods == {"default/late": "nginx:1"})
        assert watcher.relists == 1
        assert watcher.errors == 0


def _watches_started(emulator: KubeEmulator) -> list[tuple[str, str]]:
    """The pod watches the emulator has served, in order, with their starting resourceVersion."""
    started = emulator.thread.call(lambda emu: list(emu.watches.started))
    return [(path, rv) for path, rv in started if "pods" in path]
