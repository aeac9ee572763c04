"""Resilient list+watch of one resource: resume, relist on 410 Gone, backoff with jitter.

Public API:

- ``WatchSettings`` — server-side ``timeout_seconds`` per watch request (so every request ends
  and shutdown never waits on a silent socket), backoff ``initial``/``maximum`` delays and
  ``page_size`` for lists.
- ``Watcher(client, resource, namespace=None, settings=WatchSettings())`` with
  ``await run(handler)`` (runs until cancelled; ``handler`` a
  ``kube_devops.kube.watch_events.WatchHandler``) and the health fields of
  ``kube_devops.kube.watch_health`` (``synced``, ``down_since``, ``relists``, ``errors``,
  ``last_in_sync()``).

Behaviour: list (all pages) -> ``resync`` -> watch from the list's resourceVersion, remembering
the resourceVersion of every event (and of bookmarks). A watch that ends (server timeout) is
resumed at once from the last resourceVersion; a 410 Gone (HTTP status or ERROR event) relists;
any other failure is logged and retried after an exponential delay with jitter
(``initial * 2**n`` capped at ``maximum``, scaled by a random factor in [0.5, 1]). The stream
itself is read in a daemon thread by ``kube_devops.kube.watch_stream``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.kube.backoff import Backoff
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Gone, KubeError
from kube_devops.kube.resources import Resource
from kube_devops.kube.watch_events import OBJECT_EVENTS, WatchEvent, WatchHandler, status_error
from kube_devops.kube.watch_health import WatchHealth
from kube_devops.kube.watch_stream import WatchStream

log = logging.getLogger(__name__)


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


class Watcher(WatchHealth):
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
        self.settings = settings or WatchSettings()
        super().__init__(Backoff(self.settings.initial, self.settings.maximum, rng))
        self.client, self.resource, self.namespace = client, resource, namespace

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
                    raise status_error(obj, self.resource)
                version = Meta.of(obj).resource_version or version
                if kind in OBJECT_EVENTS:
                    handler.apply(kind, obj)
        return version

    async def _events(self, version: str) -> AsyncGenerator[JsonDict, None]:
        query = [
            ("watch", "true"),
            ("resourceVersion", version),
            ("timeoutSeconds", str(self.settings.timeout_seconds)),
            ("allowWatchBookmarks", "true"),
        ]
        stream = WatchStream(self.client, self.resource.path(self.namespace), query)
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

    async def _back_off(self, err: KubeError) -> None:
        delay = self._failed()
        extra = self._where(err) | {"attempt": self.backoff.failures, "retry_in": round(delay, 3)}
        log.error("watch failed", extra=extra)
        await asyncio.sleep(delay)

    def _where(self, err: KubeError) -> dict[str, Any]:
        return {
            "resource": self.resource.plural,
            "namespace": self.namespace or "*",
            "error": str(err),
            "transient": err.transient,
        }
