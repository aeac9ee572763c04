"""Exponential backoff with jitter for retry loops that meet a failing API server.

``Backoff(initial, maximum, rng=random.random)``: ``next()`` counts one more failure and returns
the delay before the next attempt — ``initial * 2**(failures - 1)`` capped at ``maximum``,
scaled by a random factor in [0.5, 1] so replicas do not retry in step; ``reset()`` ends the
streak and returns how many failures it had (0 when there was none), so a caller logs the
recovery once. The watcher and the leader elector both retry with it.
"""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """Delays of one failure streak (see the module docstring)."""

    def __init__(
        self, initial: float, maximum: float, rng: Callable[[], float] = random.random
    ) -> None:
        self.initial, self.maximum, self._rng = initial, maximum, rng
        self.failures = 0

    def next(self) -> float:
        """One more failure: the delay before the next attempt."""
        self.failures += 1
        base = min(self.maximum, self.initial * 2.0 ** (self.failures - 1))
        return base * (0.5 + self._rng() / 2)

    def reset(self) -> int:
        """The streak is over; how many failures it had."""
        failures, self.failures = self.failures, 0
        return failures
