"""Planning whole dashboards: repeats, data sources, per-target intervals, undefined and empty
variables. Expected queries by hand from dashboard-scene repeats (``getMultiVariableValues``,
``LocalValueVariable``), ``@grafana/prometheus`` ``interpolateQueryExpr`` and Grafana's
Prometheus back end (``pkg/promlib/models/query.go``)."""

from __future__ import annotations

from typing import Any

from kube_devops.verify.grafana import (
    DashboardSource,
    PlanOptions,
    dashboard_entry,
    plan_dashboard,
    saved_range_seconds,
)
from kube_devops.verify.plan import PlannedDashboard, Repeat
from tests.unit.verify.grafana.grafana_fakes import TableSource

OPTIONS = PlanOptions(end=1_700_000_000, range_seconds=3600, scrape_seconds=15)
HOSTS = TableSource({("/api/v1/label/instance/values", "up"): ["a:9100", "b.c:9100"]})
HOST_ALL = {
    "name": "host",
    "type": "query",
    "query": "label_values(up, instance)",
    "includeAll": True,
    "multi": True,
    "current": {"text": "All", "value": "$__all"},
}


def _plan(
    panels: list[dict[str, Any]], variables: list[dict[str, Any]] | None = None, **extra: Any
) -> PlannedDashboard:
    raw = {
        "title": "D",
        "uid": "d1",
        "panels": panels,
        "templating": {"list": variables or []},
        **extra,
    }
    return plan_dashboard(DashboardSource(raw, "d.json"), HOSTS, OPTIONS)


def _panel(title: str, expr: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "timeseries",
        "title": title,
        "targets": [{"refId": "A", "expr": expr}],
        **fields,
    }


def test_repeated_panel_runs_once_per_value_with_that_value() -> None:
    plan = _plan([_panel("CPU $host", 'up{instance=~"$host"}', repeat="host")], [HOST_ALL])
    assert [(t.title, t.expr, t.repeat) for t in plan.targets] == [
        ("CPU a:9100", 'up{instance=~"a:9100"}', Repeat("host", "a:9100")),
        ("CPU b.c:9100", r'up{instance=~"b\\.c:9100"}', Repeat("host", "b.c:9100")),
    ]


def test_repeated_row_copies_each_of_its_panels_in_row_order() -> None:
    row = {
        "type": "row",
        "title": "Host $host",
        "repeat": "host",
        "gridPos": {"x": 0, "y": 0},
        "panels": [],
    }
    one = _panel("one", 'a{i=~"$host"}', gridPos={"x": 0, "y": 1, "w": 12})
    two = _panel("two", 'b{i=~"$host"}', gridPos={"x": 12, "y": 1, "w": 12})
    plan = _plan([row, one, two], [HOST_ALL])
    assert [(t.row, t.title, t.expr) for t in plan.targets] == [
        ("Host a:9100", "one", 'a{i=~"a:9100"}'),
        ("Host a:9100", "two", 'b{i=~"a:9100"}'),
        ("Host b.c:9100", "one", r'a{i=~"b\\.c:9100"}'),
        ("Host b.c:9100", "two", r'b{i=~"b\\.c:9100"}'),
    ]


def test_saved_repeat_copies_are_skipped() -> None:
    copy = _panel("CPU b", "up", repeatPanelId=1)
    plan = _plan([_panel("CPU $host", "up", repeat="host"), copy], [HOST_ALL])
    assert len(plan.targets) == 2


def test_all_without_repeat_is_every_value_as_a_regex() -> None:
    plan = _plan([_panel("p", 'up{instance=~"$host"}')], [HOST_ALL])
    assert plan.targets[0].expr == r'up{instance=~"(a:9100|b\\.c:9100)"}'
    assert plan.variables[0].chosen == ("$__all",)


def test_target_window_and_builtins() -> None:
    """1h, panel 6 columns wide: maxDataPoints 900 x 6 / 12 = 450; 3600000/450 = 8000 -> front
    10000, raised to the 15 s scrape; step 15 s; rate max(15 + 15, 60) = 60 s."""
    panel = _panel(
        "p", "rate(x[$__rate_interval]) * $__interval_ms", gridPos={"x": 0, "y": 0, "w": 6}
    )
    (target,) = _plan([panel]).targets
    assert target.expr == "rate(x[1m0s]) * 15000"
    assert (target.window.step, target.window.interval, target.window.rate_interval) == (
        15.0,
        15.0,
        60.0,
    )
    assert (target.window.start, target.window.end) == (1_699_996_400, 1_700_000_000)
    assert target.template == "rate(x[$__rate_interval]) * $__interval_ms"


def test_panel_max_data_points_and_target_interval_factor() -> None:
    """6h over maxDataPoints 100: 216000 -> 300000 (5m); intervalFactor 2: step 10m."""
    panel = {
        "type": "graph",
        "title": "p",
        "maxDataPoints": 100,
        "targets": [{"refId": "A", "expr": "x[$__interval]", "intervalFactor": 2}],
    }
    raw = {"title": "D", "panels": [panel]}
    options = PlanOptions(end=1_700_000_000, range_seconds=6 * 3600, scrape_seconds=15)
    (target,) = plan_dashboard(DashboardSource(raw, "d.json"), HOSTS, options).targets
    assert (target.expr, target.window.step) == ("x[10m]", 600.0)


def test_undefined_variable_is_an_error_on_the_target() -> None:
    (target,) = _plan([_panel("p", 'up{job="$nope"}')]).targets
    assert target.error == "undefined template variable $nope: define it or fix the name"


def test_empty_variable_interpolates_grafanas_empty_value() -> None:
    empty = TableSource({("/api/v1/label/instance/values", "up"): []})
    raw = {
        "title": "D",
        "panels": [_panel("p", 'up{instance="$node"}')],
        "templating": {
            "list": [
                {
                    "name": "node",
                    "type": "query",
                    "query": "label_values(up, instance)",
                    "current": {"value": "stale:1"},
                }
            ]
        },
    }
    plan = plan_dashboard(DashboardSource(raw, "d.json"), empty, OPTIONS)
    assert plan.targets[0].expr == 'up{instance=""}'


def test_legend_instant_and_panels_without_targets() -> None:
    panel = {
        "type": "stat",
        "title": "p",
        "targets": [{"refId": "A", "expr": "up", "legendFormat": "{{job}} $host", "instant": True}],
    }
    empty = {"type": "timeseries", "title": "Nothing here", "targets": []}
    text = {"type": "text", "title": "Notes"}
    alerts = {"type": "alertlist", "title": "Firing"}
    plan = _plan([panel, empty, text, alerts], [HOST_ALL])
    assert (plan.targets[0].legend, plan.targets[0].instant) == ("{{job}} {a:9100,b.c:9100}", True)
    assert plan.panels_without_targets == ["Nothing here"]
    assert (plan.title, plan.uid, plan.file) == ("D", "d1", "d.json")


def test_constant_inputs_of_an_exported_dashboard_are_filled_in() -> None:
    """Grafana's import replaces ``${VAR_JOB}`` of a constant input with its value."""
    inputs = [{"name": "VAR_JOB", "type": "constant", "value": "node"}]
    plan = _plan([_panel("p", 'up{job="${VAR_JOB}"}')], __inputs=inputs)
    assert plan.targets[0].expr == 'up{job="node"}'


def test_dashboard_entry_lists_chosen_variables_and_unchecked_targets() -> None:
    loki = {
        "type": "logs",
        "title": "Logs",
        "datasource": {"type": "loki"},
        "targets": [{"refId": "A", "expr": '{a="b"}'}],
    }
    plan = _plan([_panel("p", "up"), loki], [HOST_ALL])
    assert dashboard_entry(plan) == {
        "title": "D",
        "uid": "d1",
        "file": "d.json",
        "variables": [
            {
                "name": "host",
                "type": "query",
                "query": "label_values(up, instance)",
                "status": "ok",
                "detail": "2 values",
                "value": ["$__all"],
                "text": "All",
                "options": 2,
            }
        ],
        "unchecked": [
            {
                "row": "(no row)",
                "title": "Logs",
                "ref_id": "A",
                "datasource_type": "loki",
                "reason": "loki query: not PromQL, listed and not checked",
            }
        ],
    }


def test_interval_that_is_not_a_duration_is_an_error_on_the_target() -> None:
    """Grafana fails such a query; the plan says which field to fix and keeps the rest."""
    (target,) = _plan([_panel("p", "rate(x[$__interval])", interval="1.5m")]).targets
    assert target.error == (
        "'1.5m' is not a Prometheus duration: whole numbers with units y, w, d, h, m, s, ms from "
        "largest to smallest (examples: 30s, 5m, 1h30m; not 1.5m); fix the panel's Min interval "
        "or the query's Min step"
    )
    assert target.expr == "rate(x[15s])"


def test_malformed_fields_hold_nothing() -> None:
    raw = {"title": "D", "templating": {"list": 3}, "rows": "x",
           "panels": [{"type": [], "title": "t", "targets": 1, "gridPos": {"x": "?", "y": None}},
                      _panel("ok", "up")]}  # fmt: skip
    plan = plan_dashboard(DashboardSource(raw, "d.json"), HOSTS, OPTIONS)
    assert ([t.title for t in plan.targets], plan.panels_without_targets) == (["ok"], ["t"])


def test_panel_time_from_and_time_shift() -> None:
    """applyPanelTimeOverrides: last 24h ending now, shifted back 1h. 86400000/900 = 96000 ->
    front 120000; back 96000 < 120000 -> step 120 s; $__range 86400s."""
    panel = _panel("p", "increase(x[$__range])", timeFrom="24h", timeShift="1h")
    (target,) = _plan([panel]).targets
    assert (target.window.start, target.window.end) == (1_699_910_000, 1_699_996_400)
    assert (target.expr, target.window.step) == ("increase(x[86400s])", 120.0)


def test_legacy_row_span_sets_the_panel_width() -> None:
    """span 3 of 12 = 6 grid columns: maxDataPoints 900 x 6 / 12 = 450; 7 days / 450 = 1344000
    ms -> 20m (a 12-column panel would get 10m)."""
    graph = {"type": "graph", "title": "p", "span": 3, "targets": [{"refId": "A", "expr": "up"}]}
    raw = {"title": "D", "rows": [{"title": "R", "panels": [graph]}]}
    options = PlanOptions(end=1_700_000_000, range_seconds=7 * 86400, scrape_seconds=15)
    (target,) = plan_dashboard(DashboardSource(raw, "d.json"), HOSTS, options).targets
    assert (target.row, target.window.step) == ("R", 1200.0)


def test_saved_time_range_of_a_dashboard() -> None:
    assert saved_range_seconds({"time": {"from": "now-6h", "to": "now"}}) == 21600
    assert saved_range_seconds({"time": {"from": "now-2d", "to": "now-1d"}}) == 86400
    assert saved_range_seconds({"time": {"from": "2024-01-01T00:00:00Z", "to": "now"}}) is None
    assert saved_range_seconds({}) is None


def test_empty_multi_or_all_variable_interpolates_an_empty_group() -> None:
    """No options: multi -> [] and include-All -> All over no options, both [] for
    interpolateQueryExpr, which joins nothing into "()"; a custom allValue is used instead."""
    empty = TableSource({("/api/v1/label/instance/values", "up"): []})
    base = {"type": "query", "query": "label_values(up, instance)"}
    variables = [
        {**base, "name": "many", "multi": True, "current": {"value": ["stale"]}},
        {**base, "name": "every", "includeAll": True},
        {**base, "name": "custom", "includeAll": True, "allValue": ".+"},
    ]
    panel = _panel("p", 'up{a=~"$many", b=~"$every", c=~"$custom"}')
    raw = {"title": "D", "panels": [panel], "templating": {"list": variables}}
    plan = plan_dashboard(DashboardSource(raw, "d.json"), empty, OPTIONS)
    assert plan.targets[0].expr == 'up{a=~"()", b=~"()", c=~".+"}'


def test_range_query_is_aligned_to_the_step() -> None:
    """AlignTimeRange (UTC): start and end rounded down to a multiple of the step:
    1699996400 / 15 = 113333093.3 -> 1699996395; 1700000000 / 15 = 113333333.3 -> 1699999995."""
    (target,) = _plan([_panel("p", "up")]).targets
    assert (target.window.range_start, target.window.range_end) == (1_699_996_395, 1_699_999_995)
