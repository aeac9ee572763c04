"""How a watcher is doing: in sync, or down since when, and how long to wait before retrying.

Public API (fields and methods of ``WatchHealth``, the base of ``Watcher``):

- ``synced`` — a first list was delivered; ``relists`` and ``errors`` — counts;
- ``down_since`` — monotonic time of the first failure of the current outage, or None when
  healthy;
- ``last_in_sync()`` — the epoch time the watcher was last in sync with the API server: now
  while healthy, else the moment of its last list, open stream or event.

For the watcher itself: ``_healthy()`` ends an outage; ``_failed()`` counts one failure and
returns the delay before the next attempt from ``backoff``
(:class:`~kube_devops.kube.backoff.Backoff`).
"""

from __future__ import annotations

import time

from kube_devops.kube.backoff import Backoff


class WatchHealth:
    """Health of one watcher (see the module docstring)."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self.synced = False
        self.down_since: float | None = None
        self._in_sync_at = time.time()
        self.relists = 0
        self.errors = 0

    def _healthy(self) -> None:
        self.backoff.reset()
        self.down_since = None
        self._in_sync_at = time.time()

    def last_in_sync(self) -> float:
        """Epoch seconds when the watcher was last in sync: now while it is."""
        if self.down_since is None:
            return time.time()
        return self._in_sync_at

    def _failed(self) -> float:
        """Count one failure; the delay before the next attempt."""
        self.errors += 1
        if self.down_since is None:
            self.down_since = time.monotonic()
        return self.backoff.next()
