"""The one polling helper for conditions reached asynchronously (never fixed sleeps), in a
blocking form (``wait_until``) and an event-loop form (``eventually``) with the same signature,
and a sleep recorder.

Both poll ``check`` until it returns a truthy value and return that value; they fail after
``within`` seconds naming ``what``. ``eventually`` also takes a coroutine function.
``record_sleeps`` lets retry loops be tested without waiting: it records each delay asked for.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar, overload

import pytest

T = TypeVar("T")
Falsy = Literal[False] | None
"""What a check returns while its condition does not hold yet (besides other falsy values)."""


class _Deadline:
    """The time limit of one poll and the failure message when it passes."""

    def __init__(self, within: float, what: str) -> None:
        self.within = within
        self.what = what
        self.end = time.monotonic() + within

    def check(self) -> None:
        assert time.monotonic() < self.end, f"not reached within {self.within:g} s: {self.what}"


def wait_until(
    check: Callable[[], T | Falsy], within: float = 5.0, what: str = "", every: float = 0.02
) -> T:
    """Poll ``check`` (blocking) until it returns something truthy; that value."""
    deadline = _Deadline(within, what or repr(check))
    while not (value := check()):
        deadline.check()
        time.sleep(every)
    return value


@overload
async def eventually(
    check: Callable[[], Awaitable[T | Falsy]],
    within: float = 5.0,
    what: str = "",
    every: float = 0.02,
) -> T: ...


@overload
async def eventually(
    check: Callable[[], T | Falsy], within: float = 5.0, what: str = "", every: float = 0.02
) -> T: ...


async def eventually(
    check: Callable[[], object], within: float = 5.0, what: str = "", every: float = 0.02
) -> object:
    """Poll ``check`` (a function or a coroutine function) on the event loop until it returns
    something truthy; that value."""
    deadline = _Deadline(within, what or repr(check))
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        deadline.check()
        await asyncio.sleep(every)


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
