"""Policy watch events: spec changes and deletion marks trigger, our own writes do not."""

from __future__ import annotations

import asyncio
from typing import Any

from kube_devops.components.reconcile.handlers import PodFeed, PolicyFeed
from kube_devops.components.reconcile.scheduler import Scheduler


def policy(generation: int, **meta: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "p", "namespace": "shop", "generation": generation, **meta},
        "spec": {"forbidLatestTag": True},
    }


async def due(s: Scheduler) -> list[str]:
    keys: list[str] = []
    while True:
        try:
            key, _ = await asyncio.wait_for(s.next_due(), 0.02)
        except TimeoutError:
            return keys
        keys.append(key)


async def test_only_spec_changes_and_deletion_marks_trigger() -> None:
    s = Scheduler(debounce=0.0, backoff_base=1.0, backoff_max=1.0)
    forgotten: list[tuple[str, str]] = []
    feed = PolicyFeed(s, lambda ns, name: forgotten.append((ns, name)))
    feed.resync([policy(1)])
    assert await due(s) == ["shop/p"]
    assert s.first_cycle_done is False  # nothing reconciled yet

    feed.apply("MODIFIED", {**policy(1), "status": {"healthScore": 99}})  # our status write
    feed.apply("MODIFIED", policy(1, finalizers=["devops.stochastic.io/cleanup"]))
    assert await due(s) == []
    assert s.policies["shop/p"]["metadata"]["finalizers"] == ["devops.stochastic.io/cleanup"]

    feed.apply("MODIFIED", policy(2))
    assert await due(s) == ["shop/p"]
    feed.apply("MODIFIED", policy(2, deletionTimestamp="2024-01-01T00:00:00Z"))
    assert await due(s) == ["shop/p"]
    feed.apply("DELETED", policy(2))
    assert forgotten == [("shop", "p")]
    assert s.policies == {}


async def test_relist_forgets_vanished_policies() -> None:
    s = Scheduler(debounce=0.0, backoff_base=1.0, backoff_max=1.0)
    forgotten: list[tuple[str, str]] = []
    feed = PolicyFeed(s, lambda ns, name: forgotten.append((ns, name)))
    feed.resync([policy(1)])
    feed.resync([])
    assert forgotten == [("shop", "p")]


async def test_pod_events_and_relists_trigger_their_namespace() -> None:
    s = Scheduler(debounce=0.0, backoff_base=1.0, backoff_max=1.0)
    PolicyFeed(s, lambda ns, name: None).resync([policy(1)])
    await due(s)
    pods = PodFeed(s)
    pods.resync([])  # the first list is the start-up: no extra evaluation
    assert await due(s) == []
    pods.apply("MODIFIED", {"metadata": {"name": "x", "namespace": "other"}})
    assert await due(s) == []
    pods.apply("ADDED", {"metadata": {"name": "x", "namespace": "shop"}})
    assert await due(s) == ["shop/p"]
    pods.resync([])  # a relist after 410 may have hidden changes
    assert await due(s) == ["shop/p"]
