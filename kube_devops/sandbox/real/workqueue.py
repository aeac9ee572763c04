"""A keyed work queue, as controllers use: each key is queued at most once and handled by one
worker at a time; a key added while it is being handled is queued again when the worker is done.
"""

from __future__ import annotations

import asyncio


class KeyQueue:
    """Deduplicating queue of keys (``namespace/name``) for asyncio workers."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._active: set[str] = set()
        self._dirty: set[str] = set()

    def add(self, key: str) -> None:
        """Queue ``key`` unless it is queued already (or mark it for after its current run)."""
        if key in self._active:
            self._dirty.add(key)
        elif key not in self._queued:
            self._queued.add(key)
            self._queue.put_nowait(key)

    async def get(self) -> str:
        """The next key; it counts as being handled until :meth:`done`."""
        key = await self._queue.get()
        self._queued.discard(key)
        self._active.add(key)
        return key

    def done(self, key: str) -> None:
        """``key`` is handled; queue it again if it was added meanwhile."""
        self._active.discard(key)
        if key in self._dirty:
            self._dirty.discard(key)
            self.add(key)

    def __len__(self) -> int:
        return self._queue.qsize()
