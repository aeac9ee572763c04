"""Scripted answers for kmock's DSL on the ``Emulator``: what the emulator cannot produce itself.

- ``once(status, message=...)`` — answer the first matching request with a failure ``Status``,
  then step aside (e.g. ``emulator[kmock.action.LIST] << once(500)``);
- ``Hold()`` — keep every matching request waiting until ``release()`` (then step aside), so a
  test can observe a component while a request of its is outstanding, without racing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any

from kube_devops.sandbox.thirdparty import Response


def once(status: int, message: str = "injected failure") -> Callable[[], Any]:
    """A DSL payload answering ``status`` with a Status body once, then stepping aside."""
    used = False

    def payload() -> Any:
        nonlocal used
        if used:
            return NotImplemented
        used = True
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
        }
        body.update(code=status, reason="Injected", message=message)
        return Response(status=status, payload=body)

    return payload


class Hold:
    """A DSL payload holding matching requests until ``release()``; then they are served as usual.

    ``arrived`` (a ``threading.Event``) is set once a request is being held. A held request is let
    through after ``limit`` seconds at the latest, so a failing test cannot hang the emulator.
    """

    def __init__(self, limit: float = 10.0) -> None:
        self.arrived = threading.Event()
        self._limit = limit
        self._released = asyncio.Event()
        self._done = False
        self._loop: asyncio.AbstractEventLoop | None = None

    def release(self) -> None:
        """Let held and later requests through (callable from any thread)."""
        self._done = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._released.set)

    async def __call__(self) -> Any:
        self._loop = asyncio.get_running_loop()
        if not self._done:
            self.arrived.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), self._limit)
        return NotImplemented  # step aside: the emulator serves the request
