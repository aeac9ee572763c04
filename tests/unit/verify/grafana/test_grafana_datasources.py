"""Which targets run as PromQL: data source objects, plain names with ``--datasource NAME=TYPE``,
``${DS_...}`` inputs of exported dashboards, datasource variables, ``-- Mixed --``,
``-- Dashboard --`` and expressions; by hand from Grafana's dashboard JSON model (a target's
``datasource`` overrides the panel's; a Mixed panel leaves it to each target)."""

from __future__ import annotations

from typing import Any

from kube_devops.verify.grafana import DashboardSource, PlanOptions, plan_dashboard
from kube_devops.verify.plan import PlannedDashboard
from tests.unit.verify.grafana.grafana_fakes import TableSource


def _plan(
    panels: list[dict[str, Any]], mapping: dict[str, str] | None = None, **extra: Any
) -> PlannedDashboard:
    options = PlanOptions(
        end=1_700_000_000, range_seconds=3600, scrape_seconds=15, datasources=mapping or {}
    )
    raw = {"title": "D", "panels": panels, **extra}
    return plan_dashboard(DashboardSource(raw, "d.json"), TableSource({}), options)


def _panel(datasource: Any, *targets: dict[str, Any]) -> dict[str, Any]:
    return {"type": "timeseries", "title": "p", "datasource": datasource, "targets": list(targets)}


def _kinds(plan: PlannedDashboard) -> tuple[list[str], list[str]]:
    return [t.ref_id for t in plan.targets], [
        f"{u.ref_id}:{u.datasource_type}" for u in plan.unchecked
    ]


def test_object_types_decide() -> None:
    plan = _plan(
        [
            _panel({"type": "loki", "uid": "l"}, {"refId": "A", "expr": 'rate({app="x"}[5m])'}),
            _panel({"type": "prometheus", "uid": "p"}, {"refId": "B", "expr": "up"}),
            _panel(
                None,
                {"refId": "C", "datasource": {"type": "testdata"}, "scenarioId": "random_walk"},
            ),
        ]
    )
    assert _kinds(plan) == (["B"], ["A:loki", "C:testdata"])
    assert plan.unchecked[0].reason == "loki query: not PromQL, listed and not checked"


def test_plain_names_mapped_with_datasource_flag() -> None:
    plan = _plan(
        [
            _panel("Loki", {"refId": "A", "expr": "up"}),
            _panel("Metrics", {"refId": "B", "expr": "up"}),
        ],
        {"Loki": "loki", "Metrics": "prometheus"},
    )
    assert _kinds(plan) == (["B"], ["A:loki"])


def test_unmapped_name_runs_promql_and_lists_the_rest_with_how_to_map_it() -> None:
    plan = _plan(
        [
            _panel("MyLogs", {"refId": "A", "expr": '{app="x"} |= "error"'}),
            _panel("MyMetrics", {"refId": "B", "expr": "sum(rate(http_requests_total[5m]))"}),
        ]
    )
    assert _kinds(plan) == (["B"], ["A:unknown"])
    assert "--datasource 'MyLogs=TYPE'" in plan.unchecked[0].reason


def test_exported_inputs_give_the_plugin_type() -> None:
    inputs = [
        {"name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"},
        {"name": "DS_LOKI", "type": "datasource", "pluginId": "loki"},
    ]
    plan = _plan(
        [
            _panel("${DS_PROM}", {"refId": "A", "expr": "up"}),
            _panel({"uid": "${DS_LOKI}"}, {"refId": "B", "expr": "up"}),
        ],
        __inputs=inputs,
    )
    assert _kinds(plan) == (["A"], ["B:loki"])


def test_datasource_variables_give_their_plugin_type() -> None:
    variables = {
        "list": [
            {"name": "ds", "type": "datasource", "query": "prometheus"},
            {"name": "logs", "type": "datasource", "query": "loki"},
        ]
    }
    plan = _plan(
        [
            _panel({"uid": "$ds"}, {"refId": "A", "expr": "up"}),
            _panel("${logs}", {"refId": "B", "expr": "up"}),
        ],
        templating=variables,
    )
    assert _kinds(plan) == (["A"], ["B:loki"])


def test_mixed_panel_leaves_the_choice_to_each_target() -> None:
    mixed = {"type": "datasource", "uid": "-- Mixed --"}
    plan = _plan(
        [
            _panel(
                mixed,
                {"refId": "A", "expr": "up", "datasource": {"type": "prometheus", "uid": "p"}},
                {"refId": "B", "expr": '{a="b"}', "datasource": {"type": "loki", "uid": "l"}},
                {"refId": "C", "expr": "up"},
            )
        ]
    )
    assert _kinds(plan) == (["A", "C"], ["B:loki"])


def test_dashboard_and_expression_sources_are_unchecked() -> None:
    plan = _plan(
        [
            _panel({"type": "datasource", "uid": "-- Dashboard --"}, {"refId": "A", "panelId": 2}),
            _panel(
                None,
                {"refId": "B", "expr": "up"},
                {
                    "refId": "C",
                    "datasource": {"type": "__expr__", "uid": "__expr__"},
                    "expression": "$B > 0",
                },
            ),
        ]
    )
    assert _kinds(plan) == (["B"], ["A:datasource", "C:__expr__"])


def test_default_data_source_type_is_an_option() -> None:
    options = PlanOptions(
        end=1.0, range_seconds=60, scrape_seconds=15, default_datasource_type="loki"
    )
    raw = {"title": "D", "panels": [_panel(None, {"refId": "A", "expr": "up"})]}
    plan = plan_dashboard(DashboardSource(raw, "d.json"), TableSource({}), options)
    assert _kinds(plan) == ([], ["A:loki"])


def test_unmapped_names_that_name_a_plugin_take_its_type() -> None:
    """Grafana names a new data source after its plugin ("Loki", "TestData DB"): a LogQL stream
    selector that is also valid PromQL is still not run against Prometheus."""
    plan = _plan(
        [
            _panel("Loki", {"refId": "A", "expr": '{app="x"}'}),
            _panel("TestData DB", {"refId": "B", "expr": "up"}),
            _panel("Prometheus-2", {"refId": "C", "expr": "up"}),
            _panel("${DS_LOKI}", {"refId": "D", "expr": 'sum(rate({app="x"}[5m]))'}),
        ]
    )
    assert _kinds(plan) == (["C"], ["A:loki", "B:testdata", "D:loki"])
    assert plan.unchecked[0].reason == (
        "loki query (data source 'Loki' taken as loki by its name): not PromQL, listed and not "
        "checked; if it is Prometheus, say so with --datasource 'Loki=prometheus'"
    )
