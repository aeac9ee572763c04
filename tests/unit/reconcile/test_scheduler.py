"""Reconcile triggers: policy changes, debounced pod changes, ticks, backoff, first cycle."""

from __future__ import annotations

import asyncio

import pytest

from kube_devops.components.reconcile.scheduler import Scheduler, policy_key


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def policy(namespace: str, name: str) -> dict[str, object]:
    return {"metadata": {"namespace": namespace, "name": name}}


def make(clock: Clock) -> Scheduler:
    return Scheduler(debounce=0.5, backoff_base=1.0, backoff_max=8.0, clock=clock)


async def next_now(s: Scheduler) -> str | None:
    """The key due right now, or None when nothing is due yet."""
    try:
        key, _ = await asyncio.wait_for(s.next_due(), 0.05)
    except TimeoutError:
        return None
    return key


def test_policy_key() -> None:
    assert policy_key(policy("shop", "p")) == "shop/p"
    assert policy_key({"metadata": {"name": "p"}}) == "default/p"


async def test_policy_change_is_due_at_once_and_only_once() -> None:
    clock = Clock()
    s = make(clock)
    s.policy_changed(policy("shop", "p"))

    assert await next_now(s) == "shop/p"
    assert await next_now(s) is None


async def test_pod_changes_are_debounced_from_the_first_change() -> None:
    clock = Clock()
    s = make(clock)
    s.policy_changed(policy("shop", "a"))
    s.policy_changed(policy("shop", "b"))
    s.policy_changed(policy("other", "c"))
    for _ in range(3):
        await next_now(s)

    s.pods_changed("shop")
    clock.now += 0.4
    s.pods_changed("shop")  # does not push the deadline further out
    assert await next_now(s) is None
    clock.now += 0.1  # 0.5 s after the first change
    assert {await next_now(s), await next_now(s)} == {"shop/a", "shop/b"}
    assert await next_now(s) is None  # other/c untouched


async def test_tick_makes_every_policy_due() -> None:
    clock = Clock()
    s = make(clock)
    s.policy_changed(policy("shop", "a"))
    s.policy_changed(policy("other", "c"))
    await next_now(s)
    await next_now(s)

    s.tick()
    assert {await next_now(s), await next_now(s)} == {"shop/a", "other/c"}


async def test_failure_backs_off_exponentially_with_cap() -> None:
    clock = Clock()
    s = make(clock)
    s.policy_changed(policy("shop", "a"))
    await next_now(s)

    delays = [s.failed("shop/a") for _ in range(6)]
    # base 1 s doubling, capped at 8 s, each with +-20 % jitter
    for delay, nominal in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert nominal * 0.8 <= delay <= nominal * 1.2
    assert await next_now(s) is None
    clock.now += 9.7
    assert await next_now(s) == "shop/a"
    s.succeeded("shop/a")
    assert 0.8 <= s.failed("shop/a") <= 1.2


async def test_deleted_policy_is_forgotten() -> None:
    clock = Clock()
    s = make(clock)
    s.policy_changed(policy("shop", "a"))
    s.policy_deleted("shop/a")

    assert await next_now(s) is None
    s.pods_changed("shop")
    clock.now += 1
    assert await next_now(s) is None


@pytest.mark.parametrize("count", [0, 2])
def test_first_cycle_covers_the_initial_listing(count: int) -> None:
    s = make(Clock())
    assert not s.first_cycle_done
    for i in range(count):
        s.policy_changed(policy("shop", f"p{i}"))
    s.initial_listing_done()
    s.policy_changed(policy("shop", "late"))  # not part of the first cycle

    for i in range(count):
        assert not s.first_cycle_done
        s.done(f"shop/p{i}")
    assert s.first_cycle_done


async def test_cancelling_a_waiting_consumer_as_it_is_woken_stops_it() -> None:
    clock = Clock()
    s = make(clock)
    s.policy_changed(policy("shop", "a"))
    assert await next_now(s) == "shop/a"
    s.pods_changed("shop")  # due in 0.5 s: the consumer waits with a timeout
    consumer = asyncio.create_task(s.next_due())
    await asyncio.sleep(0)  # one loop iteration: the consumer starts waiting
    s.policy_changed(policy("shop", "b"))  # wakes the consumer ...
    consumer.cancel()  # ... in the same loop iteration as the cancellation
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(consumer, 1.0)
