"""Evaluate a dashboard's template variables against Prometheus and choose their values.

Each variable query must itself return values (``label_values``, ``metrics``, ``query_result``,
``label_names``); "All" is chosen whenever the variable offers it, so panels cover every value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kube_devops.verify.client import PromClient, QueryError
from kube_devops.verify.dashboard import Variable
from kube_devops.verify.plan import VariableStatus
from kube_devops.verify.templating import Resolved, TimeContext, substitute

_CALL = re.compile(r"^\s*(label_values|metrics|query_result|label_names)\s*\((.*)\)\s*$", re.S)
_SKIPPED = frozenset({"datasource", "adhoc", "groupby"})


@dataclass(frozen=True, slots=True)
class VariableCheck:
    """What one variable's query returned and the value the panels are checked with."""

    name: str
    type: str
    query: str
    status: VariableStatus
    detail: str
    values: tuple[str, ...]
    chosen: str


def resolve_variables(
    client: PromClient,
    variables: Sequence[Variable],
    ctx: TimeContext,
    window: tuple[float, float],
) -> tuple[dict[str, Resolved], list[VariableCheck]]:
    """Resolve every variable in order (later ones may use earlier ones)."""
    resolved: dict[str, Resolved] = {}
    checks: list[VariableCheck] = []
    for variable in variables:
        query, _unknown = substitute(variable.query, resolved, ctx)
        status, detail, values = _evaluate(client, variable, query, window)
        value = _choose(variable, values)
        resolved[variable.name] = value
        chosen = "All" if value.is_all else ",".join(value.values)
        checks.append(
            VariableCheck(variable.name, variable.type, query, status, detail, values, chosen)
        )
    return resolved, checks


def _evaluate(
    client: PromClient, variable: Variable, query: str, window: tuple[float, float]
) -> tuple[VariableStatus, str, tuple[str, ...]]:
    if variable.type in _SKIPPED:
        return VariableStatus.SKIPPED, f"{variable.type} variable: not a query", variable.current
    if variable.type in {"custom", "interval"}:
        values = tuple(v.strip() for v in query.split(",") if v.strip())
        if not values:
            return VariableStatus.EMPTY, "no values", ()
        return VariableStatus.OK, f"{len(values)} values", values
    if variable.type in {"constant", "textbox"}:
        return VariableStatus.OK, "fixed value", (query,) if query else variable.current
    try:
        values = run_variable_query(client, query, window)
    except QueryError as err:
        return VariableStatus.ERROR, f"variable query {query!r} failed: {err}", ()
    if not values:
        return VariableStatus.EMPTY, f"variable query {query!r} returned no values", ()
    return VariableStatus.OK, f"{len(values)} values", values


def run_variable_query(
    client: PromClient, query: str, window: tuple[float, float]
) -> tuple[str, ...]:
    """Run a Grafana Prometheus variable query and return its distinct values, sorted."""
    call = _CALL.match(query)
    if call is None:
        return tuple(sorted({_series_text(s["metric"]) for s in client.instant(query).series}))
    function, args = call.group(1), call.group(2).strip()
    if function == "label_names":
        return tuple(sorted(_label_names(client, window)))
    if function == "metrics":
        names = client.label_values("__name__")
        return tuple(sorted(n for n in names if re.search(args or ".*", n)))
    if function == "query_result":
        return tuple(sorted({_series_text(s["metric"]) for s in client.instant(args).series}))
    selector, _, label = args.rpartition(",")
    label = label.strip()
    if not selector.strip():
        return tuple(sorted(client.label_values(label)))
    series = client.series(selector.strip(), *window)
    return tuple(sorted({s[label] for s in series if label in s}))


def _label_names(client: PromClient, window: tuple[float, float]) -> set[str]:
    return {k for s in client.series('{__name__=~".+"}', *window) for k in s if k != "__name__"}


def _series_text(labels: Mapping[str, str]) -> str:
    name = labels.get("__name__", "")
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{name}{{{inner}}}"


def _choose(variable: Variable, values: tuple[str, ...]) -> Resolved:
    regex = variable.multi or variable.include_all
    if variable.include_all:
        return Resolved((), is_all=True, all_value=variable.all_value, regex=True)
    current = [v for v in variable.current if v not in {"$__all", "All"}]
    if current and (not values or all(v in values for v in current)):
        return Resolved(tuple(current), regex=regex)
    picked = values[:1] or tuple(current) or variable.options[:1]
    return Resolved(picked, regex=regex)
