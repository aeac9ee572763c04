"""The one bridge from synchronous code (notebooks, the sandbox launcher, the CLI) to the async
adapter: ``run_sync(make)`` runs the coroutine ``make()`` on one long-lived event loop in a
daemon thread and waits for its result.

It works inside Jupyter too, whose kernel already runs a loop in the calling thread (so
``asyncio.run`` cannot be called there). One loop serves every call, so nothing pays for a new
loop per call; calls from different threads run concurrently on it. Calling it from a coroutine
running on that loop would wait on itself: that raises ``RuntimeError`` instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``make()`` on the bridge loop; return its result or raise its error."""
    loop = _bridge_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        raise RuntimeError("run_sync called from the bridge loop itself: await the coroutine")
    return asyncio.run_coroutine_threadsafe(make(), loop).result()


def _bridge_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(
                target=loop.run_forever, name="kube-devops-sync-bridge", daemon=True
            ).start()
            _loop = loop
        return _loop
