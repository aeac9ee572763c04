"""Plan one dashboard: resolve its variables, expand repeats, and turn every panel target into the
query Grafana runs (or an unchecked entry for targets that are not PromQL)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from kube_devops.core.promql import format_duration
from kube_devops.verify.client import PromClient
from kube_devops.verify.grafana import datasources
from kube_devops.verify.grafana.httpsource import HttpVariableSource
from kube_devops.verify.grafana.interpolate import Scope, interpolate
from kube_devops.verify.grafana.metricfind import VariableSource
from kube_devops.verify.grafana.options_model import PlanOptions
from kube_devops.verify.grafana.panels import NO_ROW, NOT_QUERIED, as_list, targets_of, walk
from kube_devops.verify.grafana.repeats import Copy, expand
from kube_devops.verify.grafana.resolve import Frame, resolve
from kube_devops.verify.grafana.sources import DashboardSource
from kube_devops.verify.grafana.targets import PanelContext, plan_target
from kube_devops.verify.grafana.values import Value
from kube_devops.verify.grafana.variables import read_variables
from kube_devops.verify.plan import PlannedDashboard, QueryTarget


def plan_dashboard(
    source: DashboardSource, client: PromClient | VariableSource, options: PlanOptions
) -> PlannedDashboard:
    """Everything Grafana would run for ``source`` over the time range of ``options``.

    ``client`` answers the variable queries: the verifier's :class:`PromClient` (its URL is asked
    directly) or any :class:`VariableSource`.
    """
    if isinstance(client, PromClient):
        verify_tls = options.verify_tls and bool(getattr(client, "verify_tls", True))
        http = HttpVariableSource(client.url, verify_tls=verify_tls)
        try:
            return _plan(source, http, options)
        finally:
            http.close()
    return _plan(source, client, options)


def _plan(
    source: DashboardSource, client: VariableSource, options: PlanOptions
) -> PlannedDashboard:
    raw = with_constant_inputs(source.raw)
    title = str(raw.get("title") or "")
    macros = _macros(title, options)
    sources = datasources.context_for(raw, options.datasources, options.default_datasource_type)
    scrape = format_duration(options.scrape_seconds)
    frame = Frame(options.start, options.end, scrape, macros, _plugin_of(sources))
    values, choices = resolve(read_variables(raw), client, frame)
    planned = PlannedDashboard(title, str(raw.get("uid") or ""), source.file, choices)
    for copy in expand(walk(raw), values):
        _plan_panel(copy, values, macros, sources, options, planned)
    return planned


def _plugin_of(sources: datasources.Context) -> Callable[[Any], str | None]:
    return lambda reference: datasources.reference_type(reference, sources)


def _macros(title: str, options: PlanOptions) -> dict[str, str]:
    return {
        "__from": str(round(options.start * 1000)), "__to": str(round(options.end * 1000)),
        "__dashboard": title, "__interval": "$__interval", "__interval_ms": "$__interval_ms",
    }  # fmt: skip


def _plan_panel(
    copy: Copy,
    values: Mapping[str, Value],
    macros: Mapping[str, str],
    sources: datasources.Context,
    options: PlanOptions,
    planned: PlannedDashboard,
) -> None:
    panel = copy.slot.panel
    scope = Scope({**values, **copy.scoped}, macros)
    row_scope = Scope({**values, **copy.row_scoped}, macros)
    row = interpolate(copy.slot.row_title, row_scope, "text").text if copy.slot.row else NO_ROW
    title = interpolate(str(panel.get("title") or ""), scope, "text").text
    targets = targets_of(panel)
    if not targets and str(panel.get("type")) not in NOT_QUERIED:
        planned.panels_without_targets.append(title)
    ctx = PanelContext(planned.title, copy, scope, sources, options, row, title)
    for target in targets:
        found = plan_target(target, ctx)
        if isinstance(found, QueryTarget):
            planned.targets.append(found)
        elif found is not None:
            planned.unchecked.append(found)


def with_constant_inputs(raw: dict[str, Any]) -> dict[str, Any]:
    """The dashboard as Grafana imports it: each ``${NAME}`` of a ``constant`` entry of
    ``__inputs`` replaced by that entry's ``value`` everywhere (data source inputs stay: their
    ``pluginId`` gives the type)."""
    constants = {
        str(i["name"]): str(i.get("value") or "")
        for i in as_list(raw.get("__inputs"))
        if isinstance(i, Mapping) and i.get("type") == "constant" and i.get("name")
    }
    if not constants:
        return raw
    text = json.dumps(raw)
    for name, value in constants.items():
        text = text.replace("${" + name + "}", json.dumps(value)[1:-1])
    found: dict[str, Any] = json.loads(text)
    return found
