"""Dashboard loading: bare JSON, our ConfigMap YAML, collapsed rows, hidden targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kube_devops.verify.dashboard import DashboardError
from kube_devops.verify.grafana import DashboardSource, PlanOptions, load_dashboards, plan_dashboard
from tests.unit.verify.grafana.grafana_fakes import TableSource

DASHBOARD = {
    "title": "T",
    "templating": {"list": [{"name": "ns", "type": "query", "includeAll": True,
                             "query": {"query": "label_values(m, ns)"}}]},
    "panels": [
        {"type": "stat", "title": "Top", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 3},
         "targets": [{"refId": "A", "expr": "up"}]},
        {"type": "row", "title": "Closed", "collapsed": True, "gridPos": {"x": 0, "y": 3},
         "panels": [{"type": "timeseries", "title": "Inner",
                     "targets": [{"refId": "A", "expr": "rate(x[5m])", "legendFormat": "{{a}}"},
                                 {"refId": "B", "expr": "hidden", "hide": True}]}]},
        {"type": "row", "title": "Open", "gridPos": {"x": 0, "y": 4}},
        {"type": "text", "title": "Notes", "gridPos": {"x": 0, "y": 5}},
        {"type": "gauge", "title": "Last", "gridPos": {"x": 0, "y": 6},
         "fieldConfig": {"defaults": {"unit": "percent"}},
         "targets": [{"refId": "A", "expr": "m"}]},
    ],
}  # fmt: skip
NS_VALUES = TableSource({("/api/v1/label/ns/values", "m"): ["a", "b"]})
OPTIONS = PlanOptions(end=1_700_000_000, range_seconds=600, scrape_seconds=1)


def test_rows_collapsed_panels_and_hidden_targets() -> None:
    source = DashboardSource(DASHBOARD, "d.json")
    planned = plan_dashboard(source, NS_VALUES, OPTIONS)
    assert [(t.row, t.title, t.expr) for t in planned.targets] == [
        ("(no row)", "Top", "up"),
        ("Closed", "Inner", "rate(x[5m])"),
        ("Open", "Last", "m"),
    ]
    assert planned.targets[1].legend == "{{a}}"
    assert planned.targets[2].unit == "percent"
    assert [(v.name, v.query, v.chosen) for v in planned.variables] == [
        ("ns", "label_values(m, ns)", ("$__all",))
    ]


def test_configmap_yaml(tmp_path: Path) -> None:
    configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"},
                 "data": {"d.json": json.dumps(DASHBOARD)}}  # fmt: skip
    path = tmp_path / "cm.yaml"
    path.write_text(yaml.safe_dump(configmap))
    (source,) = load_dashboards([path])
    assert len(plan_dashboard(source, NS_VALUES, OPTIONS).targets) == 3


def test_not_a_dashboard_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("kind: Service\n")
    with pytest.raises(DashboardError, match=r"x\.yaml: no Grafana dashboard found"):
        load_dashboards([path])


def test_shipped_dashboard_loads() -> None:
    from kube_devops.verify.run import SHIPPED, shipped_source

    source = shipped_source()
    assert source.file == SHIPPED
    namespaces = TableSource(
        {("/api/v1/label/namespace/values", "namespace_health_score"): ["dev", "prod"]}
    )
    planned = plan_dashboard(source, namespaces, OPTIONS)
    assert {t.row for t in planned.targets} == {"Overview", "Watch", "Reconcile", "Webhook"}
    assert {v.name for v in planned.variables} == {"datasource", "namespace"}
