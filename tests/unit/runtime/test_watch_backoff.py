"""Watch retries: exponential delays with jitter and a cap, reset by success, every error logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from kube_devops.kube.errors import TransientError
from kube_devops.kube.resources import PODS
from kube_devops.kube.watch import Watcher, WatchSettings
from tests.support.waiting import SleptEnoughError, record_sleeps


class FlakyClient:
    """Lists fail ``list_failures`` times, then succeed; every watch request fails."""

    def __init__(self, list_failures: int) -> None:
        self.list_failures = list_failures
        self.watch_versions: list[str] = []

    async def list_all(self, resource: object, namespace: object, page_size: int) -> Any:
        if self.list_failures:
            self.list_failures -= 1
            raise TransientError("apiserver busy", where="GET /api/v1/pods")
        return {"items": [], "metadata": {"resourceVersion": "41"}}

    def open_stream(self, path: str, query: list[tuple[str, str]], read_timeout: float) -> Any:
        self.watch_versions.append(dict(query)["resourceVersion"])
        raise TransientError("connection reset", where=path)


class Handler:
    def resync(self, items: list[dict[str, Any]]) -> None:
        """Nothing to keep."""

    def apply(self, event_type: str, obj: dict[str, Any]) -> None:
        """Nothing to keep."""


async def test_delays_double_up_to_the_cap_scaled_by_jitter(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    jitter: Iterator[float] = iter([1.0, 0.0] * 4)  # factor 0.5 + r/2: 1.0, then 0.5
    settings = WatchSettings(initial=0.5, maximum=30.0)
    watcher = Watcher(FlakyClient(99), PODS, settings=settings, rng=lambda: next(jitter))  # type: ignore[arg-type]  # a stand-in for KubeClient
    delays = record_sleeps(monkeypatch, 8)
    with (
        caplog.at_level(logging.ERROR, logger="kube_devops.kube.watch"),
        pytest.raises(SleptEnoughError),
    ):
        await watcher.run(Handler())
    # bases 0.5 1 2 4 8 16 30 30 (32 capped), times 1.0 and 0.5 alternately
    assert delays == [0.5, 0.5, 2.0, 2.0, 8.0, 8.0, 30.0, 15.0]
    assert watcher.errors == 8
    assert watcher.down_since is not None
    assert not watcher.synced
    failures = [r for r in caplog.records if r.getMessage() == "watch failed"]
    # the log call's extra fields are attributes of the record
    assert [r.__dict__["attempt"] for r in failures] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert failures[0].__dict__["error"] == "GET /api/v1/pods: apiserver busy"


async def test_a_successful_list_resets_the_delay_and_watches_resume_without_relisting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = FlakyClient(2)
    watcher = Watcher(client, PODS, settings=WatchSettings(initial=0.5), rng=lambda: 1.0)  # type: ignore[arg-type]  # a stand-in for KubeClient
    delays = record_sleeps(monkeypatch, 4)
    with pytest.raises(SleptEnoughError):
        await watcher.run(Handler())
    # list fails twice (0.5, 1), the list succeeds (reset), the watch fails twice (0.5, 1)
    assert delays == [0.5, 1.0, 0.5, 1.0]
    assert (watcher.synced, watcher.relists, watcher.errors) == (True, 1, 4)
    assert client.watch_versions == ["41", "41"]  # resumed from the list's resourceVersion
