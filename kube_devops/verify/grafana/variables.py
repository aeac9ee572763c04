"""Template variables of a dashboard's ``templating.list``, read once into typed records.

Field meanings follow Grafana's dashboard JSON model (``current``, ``options``, ``includeAll``,
``allValue``, ``multi``, ``regex``, ``sort``, ``auto``/``auto_count``/``auto_min``) and how
``dashboard-scene/serialization/transformSaveModelToScene`` hands them to the scene variables
(``allValue || undefined``, ``defaultToAll: Boolean(includeAll)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kube_devops.verify.grafana.interpolate import VARIABLE_REGEX
from kube_devops.verify.grafana.metricfind import editor_query
from kube_devops.verify.grafana.values import Raw


@dataclass(frozen=True, slots=True)
class Variable:
    """One entry of ``templating.list``."""

    name: str
    type: str
    query: str
    """The query (query variables), the comma-separated values (custom, interval), the value
    (constant, textbox) or the plugin id (datasource)."""
    current_value: Raw = ""
    current_text: Raw = ""
    regex: str = ""
    sort: int = 0
    multi: bool = False
    include_all: bool = False
    all_value: str | None = None
    auto: bool = False
    auto_count: int = 30
    auto_min: str = "10s"
    datasource: Any = None
    """The variable's data source reference as written (query variables)."""

    def references(self) -> frozenset[str]:
        """Names this variable's query and regex refer to (its dependencies)."""
        found = set()
        for match in VARIABLE_REGEX.finditer(f"{self.query} {self.regex}"):
            found.add(match.group(1) or match.group(2) or match.group(4))
        return frozenset(found - {self.name})


def read_variables(raw: Mapping[str, Any]) -> list[Variable]:
    """Every variable of the dashboard, in the order written."""
    templating = raw.get("templating")
    entries = templating.get("list") if isinstance(templating, Mapping) else None
    listed = entries if isinstance(entries, list) else []
    return [_variable(e) for e in listed if isinstance(e, Mapping) and e.get("name")]


def _variable(raw: Mapping[str, Any]) -> Variable:
    saved = raw.get("current")
    current: Mapping[str, Any] = saved if isinstance(saved, Mapping) else {}
    return Variable(
        name=str(raw["name"]),
        type=str(raw.get("type") or "query"),
        query=_query(raw.get("query")),
        current_value=_raw(current.get("value")),
        current_text=_raw(current.get("text")),
        regex=str(raw.get("regex") or ""),
        sort=_int(raw.get("sort"), 0),
        multi=bool(raw.get("multi")),
        include_all=bool(raw.get("includeAll")),
        all_value=str(raw["allValue"]) if raw.get("allValue") else None,
        auto=bool(raw.get("auto")),
        auto_count=_int(raw.get("auto_count"), 30) or 30,
        auto_min=str(raw.get("auto_min") or "10s"),
        datasource=raw.get("datasource"),
    )


def _query(query: Any) -> str:
    if isinstance(query, Mapping):  # the Prometheus variable editor saves {"query": ..., ...}
        query = editor_query(query)
    return "" if query is None else str(query)


def _raw(value: Any) -> Raw:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(str(v) for v in value)
    return "" if value is None else str(value)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def dependency_order(variables: Sequence[Variable]) -> list[Variable]:
    """Variables in the order Grafana resolves them: each after the variables it refers to, in
    written order otherwise (``SceneVariableSet`` updates a variable once its dependencies are
    done). A cycle is broken in written order."""
    names = {v.name for v in variables}
    done: set[str] = set()
    pending = list(variables)
    ordered: list[Variable] = []
    while pending:
        ready = next((v for v in pending if (v.references() & names) <= done), pending[0])
        pending.remove(ready)
        done.add(ready.name)
        ordered.append(ready)
    return ordered


def split_custom(query: str) -> list[tuple[str, str]]:
    """A custom variable's options as (text, value): comma-separated, ``\\,`` for a literal comma,
    ``text : value`` (spaces around the colon) naming text and value (scenes ``CustomVariable``
    ``transformCsvStringToOptions``)."""
    options = []
    for part in re.findall(r"(?:\\,|[^,])+", query):
        item = part.replace("\\,", ",")
        named = re.fullmatch(r"\s*(.+)\s:\s(.+)", item)
        if named:
            options.append((named.group(1).strip(), named.group(2).strip()))
        else:
            options.append((item.strip(), item.strip()))
    return options
