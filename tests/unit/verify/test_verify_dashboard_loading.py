"""Dashboard loading: bare JSON, our ConfigMap YAML, collapsed rows, hidden targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kube_devops.verify.dashboard import (
    DashboardError,
    dashboard_from_dict,
    load_dashboard,
    parse_dashboard,
)

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


def test_bare_json_rows_and_collapsed_panels() -> None:
    dash = parse_dashboard(json.dumps(DASHBOARD))
    assert [(t.row, t.title, t.expr) for t in dash.targets] == [
        ("(no row)", "Top", "up"),
        ("Closed", "Inner", "rate(x[5m])"),
        ("Open", "Last", "m"),
    ]
    assert dash.targets[1].legend == "{{a}}"
    assert dash.targets[2].unit == "percent"
    assert dash.variables[0].query == "label_values(m, ns)"
    assert dash.variables[0].include_all is True


def test_configmap_yaml(tmp_path: Path) -> None:
    configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"},
                 "data": {"d.json": json.dumps(DASHBOARD)}}  # fmt: skip
    path = tmp_path / "cm.yaml"
    path.write_text(yaml.safe_dump(configmap))
    assert len(load_dashboard(path).targets) == 3


def test_not_a_dashboard_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("kind: Service\n")
    with pytest.raises(DashboardError, match=r"x\.yaml: no Grafana dashboard found"):
        load_dashboard(path)


def test_shipped_dashboard_loads() -> None:
    from kube_devops.verify.run import SHIPPED, shipped_source

    source = shipped_source()
    assert source.file == SHIPPED
    dash = dashboard_from_dict(source.raw)
    assert {t.row for t in dash.targets} == {"Overview", "Watch", "Reconcile", "Webhook"}
    assert {v.name for v in dash.variables} == {"datasource", "namespace"}
