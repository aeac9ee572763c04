"""Polling helpers for conditions reached asynchronously (never fixed sleeps), and a sleep recorder.

``record_sleeps`` lets retry loops be tested without waiting: it records each delay asked for.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest


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


class SleptEnoughError(Exception):
    """Raised by ``record_sleeps``'s stand-in after the wanted number of sleeps."""


def record_sleeps(monkeypatch: pytest.MonkeyPatch, count: int) -> list[float]:
    """Replace ``asyncio.sleep`` with a recorder of the delays asked for (rounded to 1 µs).

    The stand-in yields to the loop without waiting and raises ``SleptEnoughError`` at the
    ``count``-th call, which ends a retry loop under test. Only the calling thread's sleeps are
    recorded: a loop in another thread (an emulator, a process watcher) sleeps for real.
    """
    delays: list[float] = []
    real_sleep = asyncio.sleep
    owner = threading.get_ident()

    async def sleep(delay: float) -> None:
        if threading.get_ident() != owner:
            await real_sleep(delay)
            return
        delays.append(round(delay, 6))
        if len(delays) == count:
            raise SleptEnoughError
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return delays
