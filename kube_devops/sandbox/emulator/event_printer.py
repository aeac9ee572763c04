"""The server-side printer of core ``v1`` Events (``printEvent`` of kube-apiserver 1.32).

Columns: Last Seen, Type, Reason, Object (``kind/name``, kind in lower case), Message; wide:
Subobject (the field path), Source (component and host, else reporting controller and
instance), First Seen, Count (1 for a singleton event), Name. The server fills every cell in
the column order, as the real one does.
"""

from __future__ import annotations

import datetime

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta

from .printers import Cells, column, since

COLUMNS = (
    column("Last Seen"),
    column("Type"),
    column("Reason"),
    column("Object"),
    column("Subobject", priority=1),
    column("Source", priority=1),
    column("Message"),
    column("First Seen", priority=1),
    column("Count", priority=1),
    column("Name", priority=1, fmt="name"),
)


def _source(event: JsonDict) -> str:
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingComponent") or ""
    instance = source.get("host") or event.get("reportingInstance") or ""
    return f"{component}, {instance}" if instance else str(component)


def row(event: JsonDict, now: datetime.datetime) -> Cells:
    """The cells of one event."""
    first = since(event.get("firstTimestamp") or event.get("eventTime"), now)
    last = since(event["lastTimestamp"], now) if event.get("lastTimestamp") else first
    count = event.get("count") or 1
    series = event.get("series")
    if series:
        last, count = since(series.get("lastObservedTime"), now), series.get("count", count)
    involved = event.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    message = str(event.get("message", "")).strip()
    name = Meta.of(event).name
    cells: Cells = [last, event.get("type", ""), event.get("reason", ""), target]
    cells += [involved.get("fieldPath", ""), _source(event), message, first, count, name]
    return cells
