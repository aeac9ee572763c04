"""Requests of the API client running in worker threads: counted, and waited for at shutdown.

Public API:

- ``InFlight()`` — thread-safe; ``count`` is how many requests are running now.
- ``with tracked():`` — counts one request for the duration of the block (from any thread).
- ``await drain(limit) -> bool`` — waits up to ``limit`` seconds until none is running; True
  when none is. Several event loops may wait at once; each is woken on its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]


class InFlight:
    """A count of running requests and the event loops waiting for it to reach zero."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._idle_waiters: list[_Waiter] = []

    @property
    def count(self) -> int:
        """Requests running right now."""
        return self._count

    async def drain(self, limit: float) -> bool:
        """Wait up to ``limit`` seconds until no request is in flight; True when none is."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if not self._count:
                return True
            idle: asyncio.Future[None] = loop.create_future()
            self._idle_waiters.append((loop, idle))
        try:
            async with asyncio.timeout(limit):
                await idle
        except TimeoutError:
            return False
        return True

    @contextlib.contextmanager
    def tracked(self) -> Iterator[None]:
        """Count one request while the block runs."""
        with self._lock:
            self._count += 1
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1
                waiters: list[_Waiter] = []
                if not self._count:
                    waiters, self._idle_waiters = self._idle_waiters, []
            for loop, idle in waiters:
                with contextlib.suppress(RuntimeError):  # that event loop is already closed
                    loop.call_soon_threadsafe(_resolve, idle)


def _resolve(idle: asyncio.Future[None]) -> None:
    if not idle.done():
        idle.set_result(None)
