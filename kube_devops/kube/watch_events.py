"""What a watch stream carries and who receives it.

Public API:

- ``WatchEvent`` — the ``type`` of a watch event (``ADDED``, ``MODIFIED``, ``DELETED``,
  ``ERROR``); ``OBJECT_EVENTS`` holds the three that carry an object for the handler.
- ``WatchHandler`` — what receives the stream (both methods synchronous and quick):
  ``resync(items)`` replaces the whole known state after a (re)list; ``apply(event_type, obj)``
  applies one ``ADDED`` / ``MODIFIED`` / ``DELETED`` event (``obj`` is the plain JSON object).
- ``status_error(status, resource) -> KubeError`` — the typed error an ``ERROR`` event's
  ``Status`` object stands for (``Gone`` for 410).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Protocol

from kube_devops.core.bodies import JsonDict
from kube_devops.kube.errors import KubeError, error_from_status
from kube_devops.kube.resources import Resource


class WatchEvent(StrEnum):
    """``type`` of a watch event."""

    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"
    ERROR = "ERROR"


OBJECT_EVENTS = frozenset(
    e.value for e in (WatchEvent.ADDED, WatchEvent.MODIFIED, WatchEvent.DELETED)
)


class WatchHandler(Protocol):
    """Receiver of a watched resource's state (see the module docstring)."""

    def resync(self, items: list[JsonDict]) -> None:
        """Replace all known state with ``items`` (after a list)."""

    def apply(self, event_type: str, obj: JsonDict) -> None:
        """Apply one ADDED, MODIFIED or DELETED event (``event_type`` a ``WatchEvent`` value)."""


def status_error(status: JsonDict, resource: Resource) -> KubeError:
    """The error of an ``ERROR`` event whose object is the ``Status`` ``status``."""
    code = int(status.get("code") or 500)
    body = json.dumps(status)
    return error_from_status(
        code, str(status.get("reason") or ""), body, f"WATCH {resource.plural}"
    )
