"""Load any Grafana dashboard (bare JSON or a ConfigMap carrying it) into panel query targets.

Rows are followed in layout order, including the nested ``panels`` of collapsed rows; every
Prometheus target keeps its row title, panel title, expression and ``legendFormat``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

NO_ROW = "(no row)"


class DashboardError(ValueError):
    """A dashboard file that cannot be read; the message names the file, the field and the fix."""


@dataclass(frozen=True, slots=True)
class Variable:
    """One template variable from ``templating.list``."""

    name: str
    type: str
    query: str
    current: tuple[str, ...]
    include_all: bool
    all_value: str | None
    multi: bool
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PanelTarget:
    """One query of one panel, before template substitution."""

    row: str
    title: str
    panel_type: str
    expr: str
    legend: str
    ref_id: str
    unit: str = ""
    instant: bool = False


@dataclass(frozen=True, slots=True)
class Dashboard:
    """A parsed dashboard: its title, template variables and every panel target in order."""

    title: str
    variables: tuple[Variable, ...]
    targets: tuple[PanelTarget, ...]
    panels_without_targets: tuple[str, ...] = field(default=())


def load_dashboard(path: str | Path) -> Dashboard:
    """Read a dashboard file: bare dashboard JSON, or a ConfigMap YAML/JSON whose data holds it."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as err:
        raise DashboardError(f"dashboard file {source}: cannot read it ({err})") from None
    return parse_dashboard(text, where=str(source))


def parse_dashboard(text: str, *, where: str = "dashboard") -> Dashboard:
    """Parse dashboard text (JSON or YAML, bare or ConfigMap) into a :class:`Dashboard`."""
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as err:
        raise DashboardError(f"{where}: neither JSON nor YAML ({err})") from None
    for document in documents:
        found = _dashboard_in(document)
        if found is not None:
            try:
                return dashboard_from_dict(found)
            except (AttributeError, TypeError, ValueError) as err:
                raise DashboardError(
                    f"{where}: a field has the wrong shape ({type(err).__name__}: {err}); "
                    "expected Grafana's dashboard JSON model (panels and templating.list are "
                    "lists of objects)"
                ) from None
    raise DashboardError(
        f"{where}: no Grafana dashboard found; expected a JSON object with 'panels' or a "
        "ConfigMap whose data value is such a JSON document"
    )


def _dashboard_in(document: Any) -> dict[str, Any] | None:
    if not isinstance(document, dict):
        return None
    if document.get("kind") == "List":
        for item in document.get("items") or []:
            found = _dashboard_in(item)
            if found is not None:
                return found
        return None
    if document.get("kind") == "ConfigMap":
        for value in (document.get("data") or {}).values():
            try:
                inner = json.loads(value)
            except (TypeError, ValueError):
                continue
            if isinstance(inner, dict) and ("panels" in inner or "rows" in inner):
                return inner
        return None
    if isinstance(document.get("dashboard"), dict):
        return _dashboard_in(document["dashboard"])
    if "panels" in document or "rows" in document:
        return document
    return None


def dashboard_from_dict(raw: Mapping[str, Any]) -> Dashboard:
    """Build a :class:`Dashboard` from the decoded dashboard object."""
    variables = tuple(_variable(v) for v in (raw.get("templating") or {}).get("list") or [])
    targets: list[PanelTarget] = []
    empty: list[str] = []
    for row, panel in _walk_panels(raw):
        found = list(_panel_targets(row, panel))
        if not found and panel.get("type") not in {"row", "text", "news", "dashlist"}:
            empty.append(str(panel.get("title") or ""))
        targets.extend(found)
    return Dashboard(str(raw.get("title") or ""), variables, tuple(targets), tuple(empty))


def _walk_panels(raw: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    row = NO_ROW
    for legacy in raw.get("rows") or []:  # schema < 16: rows hold panels
        for panel in legacy.get("panels") or []:
            yield str(legacy.get("title") or NO_ROW), panel
    for panel in _by_position(raw.get("panels") or []):
        if panel.get("type") == "row":
            row = str(panel.get("title") or NO_ROW)
            for nested in _by_position(panel.get("panels") or []):
                yield row, nested
            continue
        yield row, panel


def _by_position(panels: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    def key(item: tuple[int, Mapping[str, Any]]) -> tuple[int, int, int]:
        index, panel = item
        pos = panel.get("gridPos") or {}
        return (int(pos.get("y", 0)), int(pos.get("x", 0)), index) if pos else (0, 0, index)

    if not all(p.get("gridPos") for p in panels):
        return list(panels)
    return [p for _, p in sorted(enumerate(panels), key=key)]


def _panel_targets(row: str, panel: Mapping[str, Any]) -> Iterator[PanelTarget]:
    unit = str(((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit") or "")
    for target in panel.get("targets") or []:
        expr = target.get("expr")
        if not isinstance(expr, str) or not expr.strip() or target.get("hide"):
            continue
        if _datasource_type(target, panel) not in {"", "prometheus"}:
            continue  # Loki, Elasticsearch, ... also use "expr" but are not PromQL
        yield PanelTarget(
            row=row,
            title=str(panel.get("title") or ""),
            panel_type=str(panel.get("type") or ""),
            expr=expr,
            legend=str(target.get("legendFormat") or ""),
            ref_id=str(target.get("refId") or ""),
            unit=unit,
            instant=bool(target.get("instant")) and not target.get("range"),
        )


def _datasource_type(target: Mapping[str, Any], panel: Mapping[str, Any]) -> str:
    """The plugin type of a target's data source; "" when only a name or variable is given.

    A target's own data source wins; the panel's applies unless it is "-- Mixed --" (type
    ``datasource``), which leaves the choice to each target.
    """
    for source in (target.get("datasource"), panel.get("datasource")):
        if isinstance(source, Mapping) and source.get("type"):
            kind = str(source["type"])
            if source is target.get("datasource") or kind != "datasource":
                return kind
    return ""


def _variable(raw: Mapping[str, Any]) -> Variable:
    query = raw.get("query")
    if isinstance(query, Mapping):
        query = query.get("query") or query.get("qryType") or ""
    current = (raw.get("current") or {}).get("value")
    values = tuple(str(v) for v in current) if isinstance(current, list) else ()
    if isinstance(current, str) and current:
        values = (current,)
    options = tuple(str(o.get("value")) for o in raw.get("options") or [] if "value" in o)
    return Variable(
        name=str(raw.get("name") or ""),
        type=str(raw.get("type") or "query"),
        query=str(query or ""),
        current=values,
        include_all=bool(raw.get("includeAll")),
        all_value=raw.get("allValue") or None,
        multi=bool(raw.get("multi")),
        options=options,
    )
