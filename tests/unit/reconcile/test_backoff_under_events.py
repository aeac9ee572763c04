"""A failing policy keeps its retry backoff whatever triggers it: pod events, ticks, relists.

The policy and pod feeds drive the scheduler on a fake clock, as the watches would; every time
the policy comes due counts as one reconcile attempt, and every attempt fails. Only a change of
the policy's spec (a new generation) ends the backoff.
"""

from __future__ import annotations

from typing import Any

from kube_devops.components.reconcile.handlers import PodFeed, PolicyFeed
from kube_devops.components.reconcile.scheduler import Scheduler

STEP = 0.25


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def policy(generation: int) -> dict[str, Any]:
    return {
        "metadata": {"name": "p", "namespace": "shop", "generation": generation},
        "spec": {"forbidLatestTag": True},
    }


def pod(index: int) -> dict[str, Any]:
    return {"metadata": {"name": f"web-{index}", "namespace": "shop"}}


class Drive:
    """Pod events every ``STEP`` seconds; each due policy is an attempt that fails."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.scheduler = Scheduler(
            debounce=0.5, backoff_base=1.0, backoff_max=60.0, clock=self.clock, jitter=lambda: 1.0
        )
        self.policies = PolicyFeed(self.scheduler, lambda namespace, name: None)
        self.pods = PodFeed(self.scheduler)
        self.attempts: list[float] = []

    def until(self, end: float, events: dict[float, Any] | None = None) -> None:
        scripted = events or {}
        while self.clock.now < end:
            if self.clock.now in scripted:
                scripted[self.clock.now]()
            self.pods.apply("MODIFIED", pod(int(self.clock.now / STEP)))
            if self.clock.now % 30 == 0:
                self.scheduler.tick()  # the --interval timer
            while (due := self.scheduler.pop_due()) is not None:
                self.attempts.append(self.clock.now)
                self.scheduler.failed(due[0])
                self.scheduler.done(due[0])
            self.clock.now += STEP


def test_pod_events_ticks_and_relists_do_not_shorten_the_backoff() -> None:
    drive = Drive()
    drive.policies.resync([policy(1)])
    drive.pods.resync([])

    def relist() -> None:  # what a 410 makes both watches do
        drive.policies.resync([policy(1)])
        drive.pods.resync([])

    drive.until(100.0, {50.0: relist})

    # 400 pod events, 4 ticks and a relist in 100 s; delays 1, 2, 4, 8, 16, 32, then 60 s
    # (capped): attempts at 0, 1, 3, 7, 15, 31 and 63 s, the next one due at 123 s.
    assert drive.attempts == [0, 1, 3, 7, 15, 31, 63]


def test_only_a_spec_change_ends_the_backoff() -> None:
    drive = Drive()
    drive.policies.resync([policy(1)])
    status_write = {**policy(1), "status": {"healthScore": 40}}
    changes = {
        40.0: lambda: drive.policies.apply("MODIFIED", status_write),  # our own write: no reset
        100.0: lambda: drive.policies.apply("MODIFIED", policy(2)),  # the user edits the spec
    }
    drive.until(120.0, changes)

    before, after = [0, 1, 3, 7, 15, 31, 63], [100, 101, 103, 107, 115]
    assert drive.attempts == before + after
