"""Server-side printers of the built-in kinds, as kube-apiserver 1.32 prints them.

``PRINTERS`` maps a printer name (``ResourceSpec.printer``) to its column definitions and a row
function ``(object, now) -> cells``. Columns of priority 1 are those ``kubectl get -o wide`` adds;
the server always fills them, as the real one does. ``human_duration`` is apimachinery's
``duration.HumanDuration``, used for every Age cell.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.core.times import parse_rfc3339

Cells = list[Any]
Printer = tuple[tuple[JsonDict, ...], Callable[[JsonDict, datetime.datetime], Cells]]


def column(name: str, kind: str = "string", priority: int = 0, fmt: str = "") -> JsonDict:
    """A ``TableColumnDefinition``."""
    return {"name": name, "type": kind, "format": fmt, "description": name, "priority": priority}


NAME = column("Name", fmt="name")
AGE = column("Age")


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``: 45s, 2m30s, 15m, 3h20m, 9h, 3d4h, 20d, 2y30d, 9y."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 120:
        return f"{max(s, 0)}s"
    minutes, hours = s // 60, s // 3600
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"
    return f"{days // 365}y"


def since(timestamp: Any, now: datetime.datetime) -> str:
    """``translateTimestampSince``: the age of an RFC 3339 timestamp, ``<unknown>`` if none."""
    if not isinstance(timestamp, str) or not timestamp:
        return "<unknown>"
    try:
        when = parse_rfc3339(timestamp)
    except ValueError:
        return "<invalid>"
    return human_duration((now - when).total_seconds())


def _meta(obj: JsonDict) -> JsonDict:
    return obj.get("metadata") or {}


def _age(obj: JsonDict, now: datetime.datetime) -> str:
    return since(_meta(obj).get("creationTimestamp"), now)


def _containers(obj: JsonDict) -> tuple[str, str]:
    template = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    containers = template.get("containers") or []
    names = ",".join(str(c.get("name", "")) for c in containers)
    return names, ",".join(str(c.get("image", "")) for c in containers)


def selector_string(selector: JsonDict | None) -> str:
    """``LabelSelectorAsSelector(...).String()``: ``<none>`` for no selector."""
    if not selector:
        return "<none>"
    parts = [f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        joined = ",".join(sorted(values))
        ops = {"In": f"{key} in ({joined})", "NotIn": f"{key} notin ({joined})"}
        parts.append(ops.get(op, str(key) if op == "Exists" else f"!{key}"))
    return ",".join(sorted(parts)) or "<none>"


def _workload_wide(obj: JsonDict, selector: bool = True) -> Cells:
    names, images = _containers(obj)
    if not selector:
        return [names, images]
    return [names, images, selector_string((obj.get("spec") or {}).get("selector"))]


def _deployment(obj: JsonDict, now: datetime.datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    ready = f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}"
    head = [_meta(obj).get("name"), ready, status.get("updatedReplicas", 0)]
    return [*head, status.get("availableReplicas", 0), _age(obj, now), *_workload_wide(obj)]


def _replicaset(obj: JsonDict, now: datetime.datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    head = [_meta(obj).get("name"), spec.get("replicas", 1), status.get("replicas", 0)]
    return [*head, status.get("readyReplicas", 0), _age(obj, now), *_workload_wide(obj)]


def _statefulset(obj: JsonDict, now: datetime.datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    ready = f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}"
    return [_meta(obj).get("name"), ready, _age(obj, now), *_workload_wide(obj, False)]


def _namespace(obj: JsonDict, now: datetime.datetime) -> Cells:
    phase = (obj.get("status") or {}).get("phase", "")
    return [_meta(obj).get("name"), phase, _age(obj, now)]


def _configmap(obj: JsonDict, now: datetime.datetime) -> Cells:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [_meta(obj).get("name"), count, _age(obj, now)]


def _lease(obj: JsonDict, now: datetime.datetime) -> Cells:
    holder = (obj.get("spec") or {}).get("holderIdentity") or ""
    return [_meta(obj).get("name"), holder, _age(obj, now)]


def _default(obj: JsonDict, now: datetime.datetime) -> Cells:
    return [_meta(obj).get("name"), _age(obj, now)]


_WIDE = (column("Containers", priority=1), column("Images", priority=1))
_SELECTOR = column("Selector", priority=1)
_INT = "integer"

PRINTERS: dict[str | None, Printer] = {
    None: ((NAME, AGE), _default),
    "deployments": ((NAME, column("Ready"), column("Up-to-date", _INT),
                     column("Available", _INT), AGE, *_WIDE, _SELECTOR), _deployment),
    "replicasets": ((NAME, column("Desired", _INT), column("Current", _INT),
                     column("Ready", _INT), AGE, *_WIDE, _SELECTOR), _replicaset),
    "statefulsets": ((NAME, column("Ready"), AGE, *_WIDE), _statefulset),
    "namespaces": ((NAME, column("Status"), AGE), _namespace),
    "configmaps": ((NAME, column("Data", _INT), AGE), _configmap),
    "leases": ((NAME, column("Holder"), AGE), _lease),
}  # fmt: skip
