"""Turn one panel target into the query Grafana runs, or into an unchecked entry.

Order as in Grafana: template variables first (``applyTemplateVariables`` with
``interpolateQueryExpr``, ``$__interval`` kept for the back end), then the back end's built-ins
and step (:mod:`kube_devops.verify.grafana.intervals`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import promql_parser

from kube_devops.core.promql import format_duration
from kube_devops.verify.grafana import datasources
from kube_devops.verify.grafana.formats import prometheus
from kube_devops.verify.grafana.interpolate import Scope, interpolate
from kube_devops.verify.grafana.intervals import IntervalInputs, Intervals, apply_builtins, compute
from kube_devops.verify.grafana.options_model import PlanOptions
from kube_devops.verify.grafana.panel_time import max_data_points, panel_range
from kube_devops.verify.grafana.repeats import Copy
from kube_devops.verify.plan import QueryTarget, QueryWindow, UncheckedTarget

_PROBE = Intervals(60000, 60000, 60000)
_NOT_PROMQL = "{type} query: not PromQL, listed and not checked"
_BY_NAME = (
    "{type} query (data source {name!r} taken as {type} by its name): not PromQL, listed and not "
    "checked; if it is Prometheus, say so with --datasource '{name}=prometheus'"
)
_UNMAPPED = (
    "data source {name!r} has no known type and its query is not PromQL; map it with "
    "--datasource '{name}=TYPE' (for example {name}=loki, or {name}=prometheus to check it)"
)


@dataclass(frozen=True, slots=True)
class PanelContext:
    """Everything a panel's targets share."""

    dashboard: str
    copy: Copy
    scope: Scope
    sources: datasources.Context
    options: PlanOptions
    row: str
    title: str


def plan_target(
    target: Mapping[str, Any], ctx: PanelContext
) -> QueryTarget | UncheckedTarget | None:
    """The query of ``target``, an unchecked entry, or None for an empty Prometheus target."""
    panel = ctx.copy.slot.panel
    found = datasources.resolve(target, panel, ctx.sources)
    template = target.get("expr")
    kind = found.type
    if kind is None:
        kind = "prometheus" if isinstance(template, str) and _is_promql(template, ctx) else None
    if kind != "prometheus":
        return _unchecked(target, ctx, kind, found)
    if not isinstance(template, str) or not template.strip():
        return None
    return _query(target, template, ctx)


def _query(target: Mapping[str, Any], template: str, ctx: PanelContext) -> QueryTarget:
    panel, options = ctx.copy.slot.panel, ctx.options
    start, end = panel_range(panel, ctx.scope, options)
    range_ms = round((end - start) * 1000)
    inputs = IntervalInputs(
        range_ms=range_ms,
        max_data_points=max_data_points(panel, options),
        scrape=format_duration(options.scrape_seconds),
        panel_min=interpolate(str(panel.get("interval") or ""), ctx.scope).text,
        target_min=interpolate(str(target.get("interval") or ""), ctx.scope).text,
        factor=_int(target.get("intervalFactor"), 1),
    )
    found, bad_interval = _compute(inputs)
    done = interpolate(template, ctx.scope, prometheus)
    window = QueryWindow(
        start=start, end=end, step=found.step_ms / 1000,
        interval=found.step_ms / 1000, scrape=options.scrape_seconds,
        rate_interval=found.rate_ms / 1000,
    )  # fmt: skip
    return QueryTarget(
        dashboard=ctx.dashboard, row=ctx.row, title=ctx.title,
        panel_type=str(panel.get("type") or ""), unit=_unit(panel),
        ref_id=str(target.get("refId") or ""), template=template,
        expr=apply_builtins(done.text, found, range_ms),
        legend=interpolate(str(target.get("legendFormat") or ""), ctx.scope).text,
        window=window, instant=bool(target.get("instant")) and not target.get("range"),
        repeat=ctx.copy.repeat, error=_undefined(done.undefined) or bad_interval,
    )  # fmt: skip


def _compute(inputs: IntervalInputs) -> tuple[Intervals, str | None]:
    """The intervals, or (as Grafana fails the query) the error of an interval that is not a
    duration, with the intervals computed without it."""
    try:
        return compute(inputs), None
    except ValueError as err:
        fallback = replace(inputs, panel_min="", target_min="")
        return compute(fallback), f"{err}; fix the panel's Min interval or the query's Min step"


def _unchecked(
    target: Mapping[str, Any], ctx: PanelContext, kind: str | None, found: datasources.Resolved
) -> UncheckedTarget:
    if kind is None:
        reason = _UNMAPPED.format(name=found.name)
    elif found.by_name:
        reason = _BY_NAME.format(type=kind, name=found.name)
    else:
        reason = _NOT_PROMQL.format(type=kind)
    ref_id = str(target.get("refId") or "")
    return UncheckedTarget(ctx.dashboard, ctx.row, ctx.title, ref_id, kind or "unknown", reason)


def _undefined(names: tuple[str, ...]) -> str | None:
    if not names:
        return None
    listed = ", ".join(f"${n}" for n in names)
    return f"undefined template variable {listed}: define it or fix the name"


def _is_promql(template: str, ctx: PanelContext) -> bool:
    text = interpolate(template, ctx.scope, prometheus).text
    try:
        promql_parser.parse(apply_builtins(text, _PROBE, 3600000))
    except ValueError:
        return False
    return True


def _unit(panel: Mapping[str, Any]) -> str:
    return str(((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit") or "")


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
