"""Resilient list+watch of one resource: resume, relist on 410 Gone, backoff with jitter.

Public API:

- ``WatchHandler`` — what receives the stream (both methods synchronous and quick):
  ``resync(items)`` replaces the whole known state after a (re)list; ``apply(event_type, obj)``
  applies one ``ADDED`` / ``MODIFIED`` / ``DELETED`` event (``obj`` is the plain JSON object).
- ``WatchSettings`` — server-side ``timeout_seconds`` per watch request (so every request ends
  and shutdown never waits on a silent socket), backoff ``initial``/``maximum`` delays and
  ``page_size`` for lists.
- ``Watcher(client, resource, namespace=None, settings=WatchSettings())`` with
  ``await run(handler)`` (runs until cancelled) and the health fields ``synced`` (a first list
  was delivered), ``down_since`` (monotonic time of the first failure of the current outage, or
  None when healthy), ``relists`` and ``errors`` (counts), and ``last_in_sync()``: the epoch
  time the watcher was last in sync with the API server — now while healthy, else the moment
  of its last list, open stream or event.

Behaviour: list (all pages) -> ``resync`` -> watch from the list's resourceVersion, remembering
the resourceVersion of every event (and of bookmarks). A watch that ends (server timeout) is
resumed at once from the last resourceVersion; a 410 Gone (HTTP status or ERROR event) relists;
any other failure is logged and retried after an exponential delay with jitter
(``initial * 2**n`` capped at ``maximum``, scaled by a random factor in [0.5, 1]).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import threading
import time
from collections.abc import AsyncGenerator, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import urllib3

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Gone, KubeError, TransientError, error_from_status
from kube_devops.kube.resources import Resource

log = logging.getLogger(__name__)


class WatchEvent(StrEnum):
    """``type`` of a watch event."""

    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"
    ERROR = "ERROR"


_OBJECT_EVENTS = frozenset(
    e.value for e in (WatchEvent.ADDED, WatchEvent.MODIFIED, WatchEvent.DELETED)
)


class WatchHandler(Protocol):
    """Receiver of a watched resource's state (see the module docstring)."""

    def resync(self, items: list[JsonDict]) -> None:
        """Replace all known state with ``items`` (after a list)."""

    def apply(self, event_type: str, obj: JsonDict) -> None:
        """Apply one ADDED, MODIFIED or DELETED event (``event_type`` a ``WatchEvent`` value)."""


@dataclass(frozen=True)
class WatchSettings:
    """Timing of a watcher."""

    timeout_seconds: int = 60
    """Server-side timeout of each watch request; the watch is resumed right after."""
    initial: float = 0.5
    """First retry delay in seconds after a failure."""
    maximum: float = 30.0
    """Upper bound of the retry delay."""
    page_size: int = 500
    """Items per page when listing."""


class Watcher:
    """List+watch one resource forever, feeding a ``WatchHandler``."""

    def __init__(
        self,
        client: KubeClient,
        resource: Resource,
        namespace: str | None = None,
        settings: WatchSettings | None = None,
        *,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.client, self.resource, self.namespace = client, resource, namespace
        self.settings = settings or WatchSettings()
        self._rng = rng
        self.synced = False
        self.down_since: float | None = None
        self._in_sync_at = time.time()
        self.relists = 0
        self.errors = 0
        self._failures = 0

    async def run(self, handler: WatchHandler) -> None:
        """List, then watch and resume forever; returns only by cancellation."""
        version: str | None = None
        while True:
            try:
                if version is None:
                    version = await self._relist(handler)
                version = await self._watch_once(handler, version)
            except Gone as err:
                log.warning("watch expired, relisting", extra=self._where(err))
                version = None
            except KubeError as err:
                await self._back_off(err)

    async def _relist(self, handler: WatchHandler) -> str:
        answer = await self.client.list_all(
            self.resource, self.namespace, page_size=self.settings.page_size
        )
        items = list(answer.get("items") or [])
        handler.resync(items)
        self.synced = True
        self.relists += 1
        self._healthy()
        version = Meta.of(answer).resource_version or ""
        log.info("listed", extra={"resource": self.resource.plural, "items": len(items)})
        return version

    async def _watch_once(self, handler: WatchHandler, version: str) -> str:
        async with contextlib.aclosing(self._events(version)) as events:  # closes the stream now
            async for event in events:
                kind = event.get("type")
                obj = event.get("object") or {}
                if kind == WatchEvent.ERROR:
                    raise _status_error(obj, self.resource)
                version = Meta.of(obj).resource_version or version
                if kind in _OBJECT_EVENTS:
                    handler.apply(kind, obj)
        return version

    async def _events(self, version: str) -> AsyncGenerator[JsonDict, None]:
        query = [
            ("watch", "true"),
            ("resourceVersion", version),
            ("timeoutSeconds", str(self.settings.timeout_seconds)),
            ("allowWatchBookmarks", "true"),
        ]
        stream = _Stream(self.client, self.resource.path(self.namespace), query)
        stream.start(asyncio.get_running_loop(), self.settings.timeout_seconds + 15.0)
        try:
            while True:
                kind, payload = await stream.queue.get()
                if kind == "open":
                    stream.opened = True
                    self._healthy()
                elif kind == "event":
                    self._in_sync_at = time.time()
                    yield payload
                elif kind == "error":
                    if stream.opened:  # in sync until the moment it broke
                        self._in_sync_at = time.time()
                    raise payload
                else:
                    return
        finally:
            stream.close()

    def _healthy(self) -> None:
        self._failures = 0
        self.down_since = None
        self._in_sync_at = time.time()

    def last_in_sync(self) -> float:
        """Epoch seconds when the watcher was last in sync: now while it is."""
        if self.down_since is None:
            return time.time()
        return self._in_sync_at

    async def _back_off(self, err: KubeError) -> None:
        self.errors += 1
        self._failures += 1
        if self.down_since is None:
            self.down_since = time.monotonic()
        base = min(self.settings.maximum, self.settings.initial * 2 ** (self._failures - 1))
        delay = base * (0.5 + self._rng() / 2)
        extra = self._where(err) | {"attempt": self._failures, "retry_in": round(delay, 3)}
        log.error("watch failed", extra=extra)
        await asyncio.sleep(delay)

    def _where(self, err: KubeError) -> dict[str, Any]:
        return {
            "resource": self.resource.plural,
            "namespace": self.namespace or "*",
            "error": str(err),
            "transient": err.transient,
        }


def _status_error(status: JsonDict, resource: Resource) -> KubeError:
    code = int(status.get("code") or 500)
    body = json.dumps(status)
    return error_from_status(
        code, str(status.get("reason") or ""), body, f"WATCH {resource.plural}"
    )


class _Stream:
    """A watch response read line by line in a daemon thread, delivered to an asyncio queue.

    The reader thread owns the response: it alone reads and closes it. ``close()`` (event loop
    side) only marks the stream closed and shuts the socket down for reading so a blocked read
    returns; it never raises, so it cannot mask the error (or cancellation) being propagated.
    """

    def __init__(self, client: KubeClient, path: str, query: list[tuple[str, str]]) -> None:
        self.client, self.path, self.query = client, path, query
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._lock = threading.Lock()
        self._response: urllib3.response.BaseHTTPResponse | None = None
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.opened = False
        """Set by the event loop once the ``open`` item was taken from ``queue``."""

    def start(self, loop: asyncio.AbstractEventLoop, read_timeout: float) -> threading.Thread:
        """Open the watch and pump its events into ``queue`` from a (returned) daemon thread."""
        self._loop = loop
        name = f"watch {self.path}"
        thread = threading.Thread(target=self._read, args=(read_timeout,), name=name, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop delivering and unblock the reader thread; never raises."""
        with self._lock:
            self._closed = True
            response = self._response
        if response is not None:
            _shutdown(response, self.path)

    def _read(self, read_timeout: float) -> None:
        response: urllib3.response.BaseHTTPResponse | None = None
        try:
            response = self.client.open_stream(self.path, self.query, read_timeout)
            with self._lock:
                self._response = response
                if self._closed:
                    return
            self._put("open", None)
            for line in _lines(response):
                if not self._put("event", json.loads(line)):
                    return
            self._put("end", None)
        except KubeError as err:
            self._put("error", err)
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as err:
            if not self._closed:
                self.client.contact.failed()
            self._put("error", TransientError(f"watch stream broken: {err}", where=self.path))
        finally:
            if response is not None:
                _discard(response, self.path)

    def _put(self, kind: str, payload: Any) -> bool:
        """Hand one item to the event loop; False once closed or the loop is gone."""
        with self._lock:
            if self._closed or self._loop is None:
                return False
        try:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, (kind, payload))
        except RuntimeError:  # the event loop is closed: nobody is listening any more
            return False
        return True


def _shutdown(response: urllib3.response.BaseHTTPResponse, path: str) -> None:
    """Shut the socket down for reading; a response already read or released cannot be."""
    try:
        response.shutdown()
    except (RuntimeError, ValueError, OSError) as err:
        log.debug("watch socket not shut down", extra={"path": path, "error": str(err)})


def _discard(response: urllib3.response.BaseHTTPResponse, path: str) -> None:
    """Close a watch response and its connection (never returned half-read to the pool)."""
    try:
        response.close()
        response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError, ValueError, RuntimeError) as err:
        log.debug("watch response not closed cleanly", extra={"path": path, "error": str(err)})


def _lines(response: urllib3.response.BaseHTTPResponse) -> Iterator[bytes]:
    pending = b""
    chunks = response.read_chunked() if response.chunked else response.stream(65536)
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            if line.strip():
                yield line
    if pending.strip():
        yield pending
