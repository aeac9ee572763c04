"""Resolve a dashboard's template variables against Prometheus, in dependency order.

Each type as Grafana's scene variables do it: query (Prometheus variable query, then ``regex``,
then ``sort``), custom (comma-separated, ``text : value``), constant (its query), textbox (the
saved value, else its query), interval (comma-separated, ``auto`` computed with
``rangeutil.calculateInterval(range, auto_count, auto_min)``), datasource (stands for a data source
of the plugin type in its query). Ad hoc filters and other types are listed as skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kube_devops.verify.client import QueryError
from kube_devops.verify.grafana.formats import prometheus
from kube_devops.verify.grafana.interpolate import Scope, interpolate
from kube_devops.verify.grafana.intervals import interval_ms
from kube_devops.verify.grafana.kinds import FIXED, fixed_value, listed
from kube_devops.verify.grafana.metricfind import VariableSource, find_values
from kube_devops.verify.grafana.options import (
    Option,
    VariableRegexError,
    apply_regex,
    sort_options,
)
from kube_devops.verify.grafana.selection import select
from kube_devops.verify.grafana.values import Value
from kube_devops.verify.grafana.variables import Variable, dependency_order
from kube_devops.verify.plan import VariableChoice, VariableStatus


@dataclass(frozen=True, slots=True)
class Frame:
    """The dashboard time range and data source settings variable queries see."""

    start: float
    end: float
    scrape: str
    """The data source's scrape interval (``15s``): ``$__interval`` in a variable query."""
    macros: Mapping[str, str]
    """Global names with a value (``__from``, ``__to``, ``__dashboard``, ...)."""
    plugin_of: Callable[[Any], str | None] = lambda _reference: "prometheus"
    """The plugin type of a variable's data source reference (None: unknown)."""


Outcome = tuple[list[Option], VariableStatus, str]
"""(options, status, detail)"""


def resolve(
    variables: Sequence[Variable], source: VariableSource, frame: Frame
) -> tuple[dict[str, Value], list[VariableChoice]]:
    """Every variable's value and what was chosen, the choices in written order."""
    values: dict[str, Value] = {}
    choices: dict[str, VariableChoice] = {}
    for variable in dependency_order(variables):
        scope = Scope(values, {**frame.macros, **_query_macros(frame)})
        query = _interpolated_query(variable, scope)
        options, status, detail = _options(variable, query, scope, source, frame)
        try:
            value = fixed_value(variable, options, frame.end - frame.start)
        except ValueError as err:  # an auto_min that is not a duration
            value, status = select(variable, options), VariableStatus.ERROR
            detail = f"auto_min: {err}"
        values[variable.name] = value
        choices[variable.name] = _choice(variable, query, value, status, detail)
    return values, [choices[v.name] for v in variables]


def _query_macros(frame: Frame) -> dict[str, str]:
    """``metricFindQuery`` scoped variables: ``getIntervalVars`` and ``getRangeScopedVars``."""
    range_ms = round((frame.end - frame.start) * 1000)
    range_s = round(range_ms / 1000)
    return {
        "__interval": frame.scrape, "__interval_ms": str(interval_ms(frame.scrape)),
        "__range": f"{range_s}s", "__range_s": str(range_s), "__range_ms": str(range_ms),
    }  # fmt: skip


def _interpolated_query(variable: Variable, scope: Scope) -> str:
    if variable.type == "query":
        return interpolate(variable.query, scope, prometheus).text
    if variable.type in {"custom", "interval"}:
        return interpolate(variable.query, scope).text
    return variable.query


def _options(
    variable: Variable, query: str, scope: Scope, source: VariableSource, frame: Frame
) -> Outcome:
    if variable.type == "query":
        kind = frame.plugin_of(variable.datasource)
        if kind not in (None, "prometheus"):
            note = f"{kind} variable query: not run against Prometheus; its saved value is used"
            return listed(variable), VariableStatus.SKIPPED, note
        return _query_options(variable, query, scope, source, frame)
    handler = FIXED.get(variable.type)
    if handler is None:
        note = f"{variable.type} variable: not resolved; its saved value is used"
        if variable.type == "adhoc":
            note = "ad hoc filters: not applied to the queries"
        return listed(variable), VariableStatus.SKIPPED, note
    options = handler(variable, query)
    return options, (VariableStatus.OK if options else VariableStatus.EMPTY), _count(options)


def _query_options(
    variable: Variable, query: str, scope: Scope, source: VariableSource, frame: Frame
) -> Outcome:
    try:
        found = find_values(source, query, frame.start, frame.end)
        regex = interpolate(variable.regex, scope, "regex").text
        options = sort_options(apply_regex([(v, v) for v in found], regex), variable.sort)
    except (QueryError, VariableRegexError) as err:
        return [], VariableStatus.ERROR, f"variable query {query!r} failed: {err}"
    if not options:
        note = f" ({len(found)} before regex {variable.regex!r})" if found else ""
        return [], VariableStatus.EMPTY, f"variable query {query!r} returned no values{note}"
    return options, VariableStatus.OK, _count(options)


def _count(options: Sequence[Option]) -> str:
    return f"{len(options)} values" if options else "no values"


def _choice(
    variable: Variable, query: str, value: Value, status: VariableStatus, detail: str
) -> VariableChoice:
    chosen = value.value if isinstance(value.value, tuple) else (value.value,)
    if status is VariableStatus.EMPTY:
        shown = "All" if value.is_all else repr(value.value_text())
        detail += f"; Grafana leaves the variable empty (value {shown})"
    return VariableChoice(
        name=variable.name, type=variable.type, query=query, status=status, detail=detail,
        values=value.options, chosen=chosen, text=value.value_text(),
    )  # fmt: skip
