"""Polling helpers for conditions reached asynchronously (never fixed sleeps)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def eventually(check: Callable[[], bool], within: float = 5.0, what: str = "") -> None:
    """Poll ``check`` on the event loop until it holds; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not reached within {within} s: {what or check}"
        await asyncio.sleep(0.02)


def wait_until(check: Callable[[], bool], within: float = 5.0, what: str = "") -> None:
    """Blocking form of ``eventually`` for synchronous tests."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not reached within {within} s: {what or check}"
        time.sleep(0.02)
