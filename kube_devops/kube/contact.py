"""When the API server last answered a request of ours, and whether one has failed since.

``ApiContact(clock=time.monotonic)`` is kept by ``KubeClient`` (its ``contact``): ``answered()``
after any answer below 500 (a 404 or 409 is the API server answering), ``failed()`` after a
connection error, a timeout or a 5xx. ``unanswered_for()`` is 0 while the latest request was
answered, else the seconds since the last answer (since the client was built when it never
answered). A watch that stays open without events is not a failure, so a quiet cluster keeps
its components ready. Called from worker threads: each method is one assignment.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class ApiContact:
    """The API server's last answer and any failure since (see the module docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_answer = clock()
        self._failing = False

    def answered(self) -> None:
        """The API server answered a request just now."""
        self._last_answer, self._failing = self._clock(), False

    def failed(self) -> None:
        """A request found no API server (connection, timeout or 5xx)."""
        self._failing = True

    def unanswered_for(self) -> float:
        """Seconds without an answer while requests fail; 0.0 when the latest was answered."""
        return self._clock() - self._last_answer if self._failing else 0.0
