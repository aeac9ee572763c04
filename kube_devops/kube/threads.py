"""Blocking calls off the event loop in daemon threads that never hold up the process's exit.

``await in_daemon_thread(call, *args, name=...)`` runs ``call(*args)`` in a new daemon thread and
returns its result (or raises its error) on the running loop. ``asyncio.to_thread`` would use the
loop's default executor, whose threads ``asyncio.run`` and the interpreter both join at exit: a
request stuck on an API server that accepts connections but never answers would then delay the
exit by its whole read timeout. Cancelling the awaiting task leaves the thread to end by its own
timeouts; its late result is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def in_daemon_thread(call: Callable[..., T], *args: Any, name: str) -> T:
    """``call(*args)`` in a new daemon thread named ``name`` (see the module docstring)."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()

    def work() -> None:
        try:
            result = call(*args)
        except BaseException as err:  # handed to the awaiting task, whatever it is
            _hand_over(loop, _fail, outcome, err)
        else:
            _hand_over(loop, _succeed, outcome, result)

    threading.Thread(target=work, name=name, daemon=True).start()
    return await outcome


def _hand_over(loop: asyncio.AbstractEventLoop, settle: Callable[..., None], *args: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the event loop is closed: nobody awaits any more
        loop.call_soon_threadsafe(settle, *args)


def _succeed(outcome: asyncio.Future[T], result: T) -> None:
    if not outcome.done():  # done: the awaiting task was cancelled
        outcome.set_result(result)


def _fail(outcome: asyncio.Future[Any], error: BaseException) -> None:
    if not outcome.done():
        outcome.set_exception(error)
