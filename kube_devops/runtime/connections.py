"""Deadlines and a cap for the connections a component accepts, in front of aiohttp.

aiohttp bounds neither how long a client takes to send its request headers nor its body, and
counts no connections. :class:`Connections` wraps the protocol of every accepted connection
(:meth:`Connections.factory`) and follows it through three phases, each with the deadline of
``ServeSettings`` named here:

- *headers*: from the connection's start (after the TLS handshake, which asyncio bounds with
  ``handshake_timeout``) or from the first byte after an idle period — ``header_timeout``;
- *request*: from the end of the headers (:meth:`Connections.middleware` sees the request)
  until the handler returns, so the body must arrive in it — ``body_timeout``;
- *idle*: after an answer, until the next byte — ``idle_timeout``.

A connection past its deadline is closed (an idle one politely, a late one at once). At
``max_connections`` a new connection makes room by closing, first, the oldest connection that
has not had a request answered yet and is not in one (a silent flood goes before the kept-alive
connections of real clients), else the one idle the longest; when every connection has a
request in progress the new one is closed instead. Closes
for a late client or for the cap are logged as one warning line with counts per
``report_every`` seconds; after ``trim_after`` closes, or at the end of a wave of closes, the C
heap's free pages are given back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler

from kube_devops.runtime.guarded import Guarded, Phase
from kube_devops.runtime.settings import ServeSettings
from kube_devops.runtime.thirdparty import release_free_memory

log = logging.getLogger(__name__)


class Connections:
    """The open connections of one listener (see the module docstring)."""

    def __init__(
        self, settings: ServeSettings, *, report_every: float = 10.0, trim_after: int = 256
    ) -> None:
        self._deadline = {
            Phase.HEADERS: settings.header_timeout,
            Phase.REQUEST: settings.body_timeout,
            Phase.IDLE: settings.idle_timeout,
        }
        self._cap = settings.max_connections
        self._report_every = report_every
        self._trim_after = trim_after
        # by transport, in the order they entered their phase: the first waiting is the oldest
        self._open: dict[asyncio.BaseTransport, Guarded] = {}
        self._closed: Counter[str] = Counter()
        self._report: asyncio.TimerHandle | None = None
        self._released = 0
        self._trimming: asyncio.TimerHandle | None = None

    @property
    def open(self) -> int:
        """Connections open now."""
        return len(self._open)

    def factory(self, make: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        """A protocol factory giving ``make()``'s protocols, each guarded."""
        return lambda: Guarded(make(), self)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Mark the request's connection busy while its handler runs (aiohttp middleware)."""
        guarded = self._open.get(request.transport) if request.transport else None
        if guarded is None:
            return await handler(request)
        guarded.enter(Phase.REQUEST)
        try:
            return await handler(request)
        finally:
            guarded.answered += 1
            guarded.enter(Phase.IDLE)

    def admit(self, guarded: Guarded, transport: asyncio.BaseTransport) -> bool:
        """Count a new connection; False when it must be closed (every connection busy)."""
        if len(self._open) >= self._cap:
            room = self._room()
            if room is None:
                self._note("refused")
                return False
            self.close(room, "evicted")
        self._open[transport] = guarded
        return True

    def _room(self) -> Guarded | None:
        """The connection to close for a new one: the oldest never answered, else the oldest
        idle; None when every connection has a request in progress."""
        oldest_idle = None
        for guarded in self._open.values():  # oldest first
            if guarded.phase is Phase.REQUEST:
                continue
            if not guarded.answered:
                return guarded
            oldest_idle = oldest_idle or guarded
        return oldest_idle

    def moved(self, guarded: Guarded, transport: asyncio.BaseTransport) -> None:
        """``guarded`` entered a phase: it is now the newest."""
        if self._open.pop(transport, None) is not None:
            self._open[transport] = guarded

    def deadline(self, phase: Phase) -> float:
        """Seconds a connection may stay in ``phase``."""
        return self._deadline[phase]

    def close(self, guarded: Guarded, reason: str) -> None:
        """Close ``guarded``'s connection: politely when idle, at once otherwise."""
        transport = guarded.transport
        if transport is None or self._open.pop(transport, None) is None:
            return
        if reason == Phase.IDLE.value:
            transport.close()
            return
        self._note(reason)
        transport.abort()

    def release(self, transport: asyncio.BaseTransport) -> None:
        """A connection ended; give memory back after many ended."""
        self._open.pop(transport, None)
        self._released += 1
        if self._trimming is None and self._trim_due():
            self._trimming = asyncio.get_running_loop().call_later(1.0, self._trim)

    def _trim_due(self) -> bool:
        """After ``trim_after`` closes, or when a wave of closes (an eighth of that or more)
        leaves fewer connections open than ``trim_after``: the end of a flood gives back the
        memory of its last connections too."""
        wave = self._released >= self._trim_after // 8 and len(self._open) < self._trim_after
        return self._released >= self._trim_after or wave

    def _trim(self) -> None:
        self._trimming, self._released = None, 0
        release_free_memory()

    def _note(self, reason: str) -> None:
        self._closed[reason] += 1
        if self._report is None:
            loop = asyncio.get_running_loop()
            self._report = loop.call_later(self._report_every, self._log_report)

    def _log_report(self) -> None:
        self._report = None
        closed = dict(sorted(self._closed.items()))
        self._closed.clear()
        log.warning(
            "closed connections: %s",
            ", ".join(f"{count} {reason}" for reason, count in closed.items()),
            extra={"closed": closed, "open": len(self._open)},
        )
