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
``max_connections`` a new connection closes the one waiting the longest (idle or sending
headers); when every connection has a request in progress the new one is closed instead. Closes
for a late client or for the cap are logged as one warning line with counts per
``report_every`` seconds; after ``trim_after`` closes the C heap's free pages are given back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from enum import Enum

from aiohttp import web
from aiohttp.typedefs import Handler

from kube_devops.runtime.settings import ServeSettings
from kube_devops.runtime.thirdparty import release_free_memory

log = logging.getLogger(__name__)


class Phase(Enum):
    """Where a connection is; the value names the deadline that ends it."""

    HEADERS = "header_timeout"
    REQUEST = "body_timeout"
    IDLE = "idle_timeout"


class Connections:
    """The open connections of one listener (see the module docstring)."""

    def __init__(
        self, settings: ServeSettings, *, report_every: float = 10.0, trim_after: int = 256
    ) -> None:
        self._deadline = {phase: float(getattr(settings, phase.value)) for phase in Phase}
        self._cap = settings.max_connections
        self._report_every = report_every
        self._trim_after = trim_after
        # by transport, in the order they entered their phase: the first waiting is the oldest
        self._open: dict[asyncio.BaseTransport, _Guarded] = {}
        self._closed: Counter[str] = Counter()
        self._report: asyncio.TimerHandle | None = None
        self._released = 0

    @property
    def open(self) -> int:
        """Connections open now."""
        return len(self._open)

    def factory(self, make: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        """A protocol factory giving ``make()``'s protocols, each guarded."""
        return lambda: _Guarded(make(), self)

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
            guarded.enter(Phase.IDLE)

    def admit(self, guarded: _Guarded, transport: asyncio.BaseTransport) -> bool:
        """Count a new connection; False when it must be closed (every connection busy)."""
        if len(self._open) >= self._cap:
            waiting = next((g for g in self._open.values() if g.phase is not Phase.REQUEST), None)
            if waiting is None:
                self._note("refused")
                return False
            self.close(waiting, "evicted")
        self._open[transport] = guarded
        return True

    def moved(self, guarded: _Guarded, transport: asyncio.BaseTransport) -> None:
        """``guarded`` entered a phase: it is now the newest."""
        if self._open.pop(transport, None) is not None:
            self._open[transport] = guarded

    def deadline(self, phase: Phase) -> float:
        """Seconds a connection may stay in ``phase``."""
        return self._deadline[phase]

    def close(self, guarded: _Guarded, reason: str) -> None:
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
        if self._released == self._trim_after:
            asyncio.get_running_loop().call_later(1.0, self._trim)

    def _trim(self) -> None:
        self._released = 0
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


class _Guarded(asyncio.Protocol):
    """One connection: everything goes to aiohttp's protocol; the phase's deadline is armed."""

    def __init__(self, inner: asyncio.Protocol, owner: Connections) -> None:
        self.inner = inner
        self.owner = owner
        self.transport: asyncio.Transport | None = None
        self.phase = Phase.HEADERS
        self._admitted = False
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if not self.owner.admit(self, transport):
            transport.abort()
            return
        self._admitted = True
        self.inner.connection_made(transport)
        self.enter(Phase.HEADERS)

    def data_received(self, data: bytes) -> None:
        if self.phase is Phase.IDLE:
            self.enter(Phase.HEADERS)
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.transport is not None:
            self.owner.release(self.transport)
        if self._admitted:
            self.inner.connection_lost(exc)

    def enter(self, phase: Phase) -> None:
        """Start ``phase`` now, with its deadline."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        self._disarm()
        self.phase = phase
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.owner.deadline(phase), self._late)
        self.owner.moved(self, transport)

    def _late(self) -> None:
        self._timer = None
        self.owner.close(self, self.phase.value)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
