"""The simulator's keyed work queue: one entry per key, one worker per key at a time."""

from __future__ import annotations

from kube_devops.sandbox.real.workqueue import KeyQueue


async def test_a_key_added_twice_is_queued_once() -> None:
    queue = KeyQueue()
    queue.add("dev/a")
    queue.add("dev/b")
    queue.add("dev/a")
    assert len(queue) == 2
    assert [await queue.get(), await queue.get()] == ["dev/a", "dev/b"]


async def test_a_key_added_while_handled_comes_back_after_done() -> None:
    queue = KeyQueue()
    queue.add("dev/a")
    key = await queue.get()
    queue.add("dev/a")
    assert len(queue) == 0  # not handed to a second worker meanwhile
    queue.done(key)
    assert len(queue) == 1
    assert await queue.get() == "dev/a"
    queue.done("dev/a")
    assert len(queue) == 0
