"""One accepted connection, guarded: it forwards everything to aiohttp's protocol and keeps
the deadline of the phase it is in (``runtime.connections`` describes the phases).
"""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kube_devops.runtime.connections import Connections


class Phase(Enum):
    """Where a connection is; the value names the deadline that ends it."""

    HEADERS = "header_timeout"
    REQUEST = "body_timeout"
    IDLE = "idle_timeout"


class Guarded(asyncio.Protocol):
    """One connection: everything goes to aiohttp's protocol; the phase's deadline is armed."""

    def __init__(self, inner: asyncio.Protocol, owner: Connections) -> None:
        self.inner = inner
        self.owner = owner
        self.transport: asyncio.Transport | None = None
        self.phase = Phase.HEADERS
        self.answered = 0
        """Requests answered on this connection."""
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
