"""Server-side printing: the ``meta.k8s.io/v1`` Table ``kubectl get`` asks for.

- ``wants_table(accept)`` — whether an ``Accept`` header asks for ``as=Table``;
- ``table(spec, objects, resource_version, include)`` — the Table of ``objects`` with the
  columns of ``spec``'s printer (``printers``, ``printers_more``, ``pod_printer``,
  ``event_printer``) or, for a custom
  resource, Name plus the CRD's ``additionalPrinterColumns`` evaluated as the apiextensions
  server does (integer, number, boolean and date cells typed; missing values ``None``).
  ``include`` is the ``includeObject`` parameter: ``None``, ``Metadata`` (the default: a
  ``PartialObjectMetadata`` per row) or ``Object``. Column JSONPaths may use dotted fields and
  ``[n]`` indices only (no filters), which is what our CRDs use.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta

from . import event_printer, pod_printer
from .catalog import ResourceSpec
from .printers import NAME, PRINTERS, Cells, Printer, since
from .printers_more import MORE_PRINTERS

_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def wants_table(accept: str) -> bool:
    """Whether an ``Accept`` header asks for a ``meta.k8s.io`` Table first."""
    first = accept.split(",")[0].replace(" ", "")
    return "as=Table" in first.split(";") and "g=meta.k8s.io" in first.split(";")


def json_path(obj: Any, path: str) -> Any:
    """The value at a simple JSONPath (``.a.b[0].c``), or ``None``."""
    for field, index in _STEP.findall(path.strip().strip("{}")):
        if field and isinstance(obj, dict):
            obj = obj.get(field)
        elif index and isinstance(obj, list) and int(index) < len(obj):
            obj = obj[int(index)]
        else:
            return None
    return obj


def _crd_cell(kind: str, value: Any, now: datetime.datetime) -> Any:
    if value is None:
        return None
    if kind == "string":
        return str(value).lower() if isinstance(value, bool) else str(value)
    if kind == "integer" and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, str):
        return since(value, now)
    return None


def _crd_printer(spec: ResourceSpec) -> Printer:
    columns = tuple(
        {"name": c["name"], "type": c["type"], "format": c.get("format", ""),
         "description": c.get("description", ""), "priority": c.get("priority", 0)}
        for c in spec.columns
    )  # fmt: skip

    def cells(obj: JsonDict, now: datetime.datetime) -> Cells:
        name = Meta.of(obj).name
        values = [json_path(obj, c["jsonPath"]) for c in spec.columns]
        return [name] + [
            _crd_cell(c["type"], v, now) for c, v in zip(spec.columns, values, strict=True)
        ]

    return (NAME, *columns), cells


def printer(spec: ResourceSpec) -> Printer:
    """Column definitions and row function of ``spec``."""
    if spec.printer == "crd":
        return _crd_printer(spec)
    if spec.printer == "pods":
        return pod_printer.COLUMNS, pod_printer.row
    if spec.printer == "events":
        return event_printer.COLUMNS, event_printer.row
    return PRINTERS.get(spec.printer) or MORE_PRINTERS.get(spec.printer) or PRINTERS[None]


def _row_object(obj: JsonDict, include: str) -> JsonDict | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    partial: JsonDict = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1"}
    partial["metadata"] = obj.get("metadata") or {}
    return partial


def table(
    spec: ResourceSpec, objects: Iterable[JsonDict], resource_version: str, include: str
) -> JsonDict:
    """The Table of ``objects`` (see the module docstring)."""
    columns, cells = printer(spec)
    now = datetime.datetime.now(tz=datetime.UTC)
    rows = []
    for obj in objects:
        row: JsonDict = {"cells": cells(obj, now)}
        shown = _row_object(obj, include or "Metadata")
        if shown is not None:
            row["object"] = shown
        rows.append(row)
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": resource_version},
            "columnDefinitions": list(columns), "rows": rows}  # fmt: skip
