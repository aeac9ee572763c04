"""The simulator's pod cache: what it keeps from lists, events and its own writes' answers."""

from __future__ import annotations

from typing import Any

from kube_devops.sandbox.real.pod_cache import PodCache

NODES = {"sim-node-0": {"kubernetes.io/hostname": "sim-node-0"}, "sim-node-1": {}}


def pod(name: str, rv: str, node: str | None = None, phase: str = "Running") -> dict[str, Any]:
    spec: dict[str, Any] = {"nodeName": node} if node else {}
    meta = {"name": name, "namespace": "dev", "uid": f"uid-{name}", "resourceVersion": rv}
    return {"metadata": meta, "spec": spec, "status": {"phase": phase}}


async def test_a_list_replaces_everything_and_queues_every_pod() -> None:
    cache = PodCache(NODES)
    cache.apply("ADDED", pod("gone", "1"))
    await cache.queue.get()
    cache.resync([pod("a", "5"), pod("b", "6")])
    assert sorted(cache.pods) == ["dev/a", "dev/b"]
    assert [await cache.queue.get(), await cache.queue.get()] == ["dev/a", "dev/b"]
    assert cache.listed.is_set()


def test_an_older_version_never_replaces_a_newer_one() -> None:
    cache = PodCache(NODES)
    cache.remember(pod("a", "12"))
    cache.apply("MODIFIED", pod("a", "9"))
    assert cache.pods["dev/a"]["metadata"]["resourceVersion"] == "12"
    cache.apply("MODIFIED", pod("a", "13"))
    assert cache.pods["dev/a"]["metadata"]["resourceVersion"] == "13"
    recreated = {**pod("a", "3"), "metadata": {**pod("a", "3")["metadata"], "uid": "uid-new"}}
    cache.apply("ADDED", recreated)  # a new pod of the same name: always taken
    assert cache.pods["dev/a"]["metadata"]["uid"] == "uid-new"
    cache.apply("DELETED", recreated)
    assert cache.pods == {}


def test_the_view_counts_unfinished_pods_per_node() -> None:
    cache = PodCache(NODES)
    cache.resync([
        pod("a", "1", "sim-node-0"), pod("b", "2", "sim-node-0"),
        pod("c", "3", "sim-node-0", phase="Succeeded"), pod("d", "4", "sim-node-1"),
        pod("e", "5"),
    ])  # fmt: skip
    view = cache.view()
    assert dict(view.load) == {"sim-node-0": 2, "sim-node-1": 1}
    assert view.labels is NODES
