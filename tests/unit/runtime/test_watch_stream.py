"""The watch stream: closing never masks the propagating error, a closed loop never crashes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kube_devops.kube.errors import TransientError
from kube_devops.kube.resources import PODS
from kube_devops.kube.watch import Watcher
from kube_devops.kube.watch_stream import WatchStream
from tests.support.waiting import eventually


class BlockedResponse:
    """A watch response whose read blocks until ``release``; shutdown fails like urllib3's."""

    chunked = False

    def __init__(self) -> None:
        self.release = threading.Event()
        self.closed = threading.Event()

    def stream(self, amount: int) -> Iterator[bytes]:
        self.release.wait(10)
        yield b""

    def shutdown(self) -> None:
        raise ValueError("Cannot shutdown socket as self._sock_shutdown is not set")

    def close(self) -> None:
        self.closed.set()

    def release_conn(self) -> None:
        """Nothing pooled."""


class StreamClient:
    """A KubeClient stand-in whose ``open_stream`` returns one response (or raises)."""

    def __init__(self, response: Any = None, error: Exception | None = None) -> None:
        self.response, self.error = response, error
        self.opened = threading.Event()
        self.go = threading.Event()

    def open_stream(self, path: str, query: object, read_timeout: float) -> Any:
        self.opened.set()
        self.go.wait(10)
        if self.error is not None:
            raise self.error
        return self.response


async def test_cancelling_a_watch_whose_shutdown_fails_stays_a_cancellation() -> None:
    response = BlockedResponse()
    client = StreamClient(response)
    client.go.set()
    watcher = Watcher(client, PODS)  # type: ignore[arg-type]  # StreamClient stands in for KubeClient
    watcher.down_since = 1.0  # cleared when the stream reports "open"
    task = asyncio.create_task(watcher._watch_once(Recorder(), "7"))
    await eventually(lambda: watcher.down_since is None, what="stream opened")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    response.release.set()
    assert await asyncio.to_thread(response.closed.wait, 5), "the response was never closed"


def test_reader_error_after_the_loop_closed_ends_quietly() -> None:
    loop = asyncio.new_event_loop()
    client = StreamClient(error=TransientError("connection refused", where="GET /api/v1/pods"))
    stream = WatchStream(client, "/api/v1/pods", [])  # type: ignore[arg-type]  # StreamClient stands in for KubeClient
    crashes: list[BaseException | None] = []
    previous = threading.excepthook
    threading.excepthook = lambda hook: crashes.append(hook.exc_value)
    try:
        thread = stream.start(loop, 1.0)
        client.opened.wait(5)
        loop.close()
        client.go.set()
        thread.join(5)
    finally:
        threading.excepthook = previous
    assert not thread.is_alive()
    assert crashes == []


class Recorder:
    """A WatchHandler that records applied event types."""

    def __init__(self) -> None:
        self.applied: list[str] = []

    def resync(self, items: list[dict[str, Any]]) -> None:
        self.applied.append("RESYNC")

    def apply(self, event_type: str, obj: dict[str, Any]) -> None:
        self.applied.append(event_type)
