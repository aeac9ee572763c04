"""Resumable watches for the emulator: per-resource event logs and the open watch connections.

``WatchHub`` is what the ``Emulator`` records every write into and serves every watch from:

- ``changed`` — the condition guarding the store and the logs; writers notify it;
- ``record(resource, rv, event_type, obj)`` — append an event (logs keep ``EVENT_LOG_SIZE``
  events per resource; older resourceVersions get 410 Gone);
- ``serve(request, objects, transform, select)`` — the watch stream (of the objects ``select``
  accepts, as they are at each event): the live objects as ADDED when no
  ``resourceVersion`` is given, else the events after it (or an ERROR 410 Gone event when it is
  older than the log); ends after ``timeoutSeconds``;
- ``compact(rv)`` — forget the logs (every resume from before ``rv`` gets 410 Gone);
- ``drop()`` — cut every open watch connection; ``end()`` — cut them and end every watch from now
  on (before server shutdown).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp.web
import attrs
import kmock

from kube_devops.core.bodies import JsonDict
from kube_devops.sandbox.thirdparty import raw_request

#: Events kept per resource for watch resumption; older resourceVersions get 410 Gone, and the
#: watcher relists (kube-apiserver's watch cache is bounded the same way, by default far smaller).
#: Each event holds a copy of its object, so this bounds the memory a long churn costs.
EVENT_LOG_SIZE = 1_000


@attrs.define(kw_only=True)
class EventLog:
    """The recent events of one resource."""

    start: int = 0
    """Absolute index of ``events[0]``."""
    horizon: int = 0
    """Resource versions at or below this one are no longer served (410 Gone)."""
    events: list[tuple[int, JsonDict]] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class WatchHub:
    """Event logs and open watches of one emulator (see the module docstring)."""

    changed: asyncio.Condition = attrs.field(factory=asyncio.Condition)
    _logs: dict[Any, EventLog] = attrs.field(factory=dict)
    _open: dict[int, aiohttp.web.BaseRequest] = attrs.field(factory=dict)
    _cut: set[int] = attrs.field(factory=set)
    _closing: bool = False
    _wakers: set[asyncio.Task[None]] = attrs.field(factory=set)
    started: list[tuple[str, str]] = attrs.field(factory=list)
    """Every watch served, as (resource path, resourceVersion it started from; "" = none)."""

    def record(self, resource: Any, rv: int, event_type: str, obj: JsonDict) -> None:
        """Log one event of ``resource`` (call holding ``changed``)."""
        log = self._logs.setdefault(resource, EventLog())
        log.events.append((rv, {"type": event_type, "object": copy.deepcopy(obj)}))
        if len(log.events) > EVENT_LOG_SIZE:
            dropped = len(log.events) - EVENT_LOG_SIZE
            log.horizon = log.events[dropped - 1][0]
            del log.events[:dropped]
            log.start += dropped

    async def compact(self, rv: int) -> None:
        """Forget the event logs: watches resuming from before ``rv`` get 410 Gone."""
        async with self.changed:
            for log in self._logs.values():
                log.start += len(log.events)
                log.horizon = rv
                log.events.clear()
            self.changed.notify_all()

    async def serve(
        self,
        request: kmock.Request,
        objects: Any,
        transform: Callable[[JsonDict], JsonDict] | None = None,
        select: Callable[[JsonDict], bool] | None = None,
    ) -> AsyncIterator[Any]:
        """The watch stream of ``request`` (``objects``: the emulator's store): the events of the
        objects ``select`` accepts (all if ``None``), each passed through ``transform``."""
        yield b""
        raw = raw_request(request)
        if raw is not None:
            self._open[id(raw)] = raw
        try:
            async for event in self._events(request, objects, select or _everything):
                yield event if transform is None else transform(event)
        finally:
            if raw is not None:
                self._open.pop(id(raw), None)

    async def _events(
        self, request: kmock.Request, objects: Any, select: Callable[[JsonDict], bool]
    ) -> AsyncIterator[JsonDict]:
        loop = asyncio.get_running_loop()
        timeout = float(request.params.get("timeoutSeconds") or 0)
        deadline = loop.time() + timeout if timeout > 0 else None
        since = request.params.get("resourceVersion") or ""
        self.started.append((str(request.resource), since))
        async with self.changed:
            initial, position = self._start(request, objects, since, select)
        for event in initial:
            yield event
        while position >= 0:
            async with self.changed:
                log = self._logs[request.resource]
                if position < log.start:
                    yield _gone(since, log.horizon)
                    return
                caught_up = position >= log.start + len(log.events)
                if caught_up and not await self._wait(request, deadline):
                    return
                batch = log.events[position - log.start :]
                position = log.start + len(log.events)
            for _, change in batch:
                if _wanted(request, change["object"], select):
                    yield change

    def _start(
        self, request: kmock.Request, objects: Any, since: str, select: Callable[[JsonDict], bool]
    ) -> tuple[list[JsonDict], int]:
        """The first events of a watch and the log position to follow from (-1: none)."""
        log = self._logs.setdefault(request.resource, EventLog())
        if since in ("", "0"):
            initial = [
                {"type": "ADDED", "object": copy.deepcopy(obj.raw)}
                for (res, _, _), obj in objects.items()
                if res == request.resource and not obj.deleted
                and _wanted(request, obj.raw, select)
            ]  # fmt: skip
            return initial, log.start + len(log.events)
        if int(since) < log.horizon:
            return [_gone(since, log.horizon)], -1
        return [], log.start + sum(1 for rv, _ in log.events if rv <= int(since))

    async def _wait(self, request: kmock.Request, deadline: float | None) -> bool:
        """Wait (holding ``changed``) for a change; False when the watch must end instead."""
        remaining = None if deadline is None else deadline - asyncio.get_running_loop().time()
        if remaining is not None and remaining <= 0:
            return False
        try:
            async with asyncio.timeout(remaining):  # unlike wait_for, never loses a cancellation
                await self.changed.wait()
        except TimeoutError:
            return False
        # connection cut or server stopping: end the handler now
        return not (self._closing or id(raw_request(request)) in self._cut)

    def drop(self) -> int:
        """Cut every open watch connection at the TCP level; returns how many were cut.

        Their handlers are woken to end at once (a closed transport alone does not stop an
        aiohttp handler, which would otherwise wait until ``timeoutSeconds`` and hold up
        server shutdown).
        """
        cut = 0
        for key, raw in list(self._open.items()):
            self._cut.add(key)
            if raw.transport is not None:
                raw.transport.close()
                cut += 1
        waker = asyncio.get_running_loop().create_task(self.wake())
        self._wakers.add(waker)
        waker.add_done_callback(self._wakers.discard)
        return cut

    async def end(self) -> None:
        """Cut every watch and end each one now and from now on (before server shutdown)."""
        self._closing = True
        self.drop()
        await self.wake()

    async def wake(self) -> None:
        """Wake every waiting watch so it re-checks whether it must end."""
        async with self.changed:
            self.changed.notify_all()


def _everything(_obj: JsonDict) -> bool:
    return True


def _wanted(request: kmock.Request, obj: JsonDict, select: Callable[[JsonDict], bool]) -> bool:
    """Whether ``obj`` is in the watch's namespace and name (if given) and selected."""
    meta = obj.get("metadata") or {}
    if request.namespace is not None and meta.get("namespace") != request.namespace:
        return False
    return (request.name is None or meta.get("name") == request.name) and select(obj)


def _gone(since: str, horizon: int) -> JsonDict:
    status: JsonDict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure"}
    status.update(
        code=410, reason="Expired", message=f"too old resource version: {since} ({horizon})"
    )
    return {"type": "ERROR", "object": status}
