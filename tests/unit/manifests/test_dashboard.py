"""The Grafana dashboard: structure, layout, queries, thresholds and its ConfigMap."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from kube_devops.manifests.dashboard import dashboard_configmap, dashboard_model
from kube_devops.manifests.render import load_all
from tests.unit.manifests.manifest_helpers import KUBE_TESTS

Panel = dict[str, Any]


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return dashboard_model()


def _panels(model: dict[str, Any]) -> list[Panel]:
    return [p for p in model["panels"] if p["type"] != "row"]


def _exprs(model: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in _panels(model) for t in p["targets"]]


def test_dashboard_configmap_valid_json() -> None:
    (configmap,) = load_all((KUBE_TESTS / "grafana-dashboard-configmap.yaml").read_text("utf-8"))
    embedded = json.loads(configmap["data"]["kube-devops.json"])
    assert embedded["uid"] == "kube-devops-overview"
    assert embedded["title"] == "kube-devops Observability"


def test_dashboard_configmap_has_grafana_label() -> None:
    configmap = dashboard_configmap()
    assert configmap["metadata"]["name"] == "kube-devops-grafana-dashboard"
    assert configmap["metadata"]["namespace"] == "kube-devops"
    assert configmap["metadata"]["labels"] == {
        "app.kubernetes.io/name": "kube-devops",
        "grafana_dashboard": "1",
    }


def test_dashboard_has_panels(model: dict[str, Any]) -> None:
    rows = [p["title"] for p in model["panels"] if p["type"] == "row"]
    assert rows == ["Overview", "Watch", "Reconcile", "Webhook"]
    assert len(_panels(model)) == 29  # at least 22 promised
    assert {p["type"] for p in _panels(model)} == {"stat", "gauge", "timeseries"}


def test_every_panel_has_position_unit_description_and_unique_id(model: dict[str, Any]) -> None:
    ids = [p["id"] for p in model["panels"]]
    assert len(ids) == len(set(ids))
    for panel in _panels(model):
        assert set(panel["gridPos"]) == {"h", "w", "x", "y"}, panel["title"]
        assert panel["fieldConfig"]["defaults"]["unit"], panel["title"]
        assert len(panel["description"]) > 20, panel["title"]


def test_stable_ids_and_first_panels(model: dict[str, Any]) -> None:
    by_id = {p["id"]: p["title"] for p in model["panels"]}
    assert by_id[100] == "Overview"
    assert by_id[101] == "Cluster Health Score"
    assert by_id[401] == "Allow/Deny Rate"
    assert by_id[403] == "Denial Breakdown by Violation"


def test_panels_do_not_overlap_and_fit_the_grid(model: dict[str, Any]) -> None:
    cells: set[tuple[int, int]] = set()
    for panel in model["panels"]:
        pos = panel["gridPos"]
        assert pos["x"] + pos["w"] <= 24, panel["title"]
        area = {(x, y) for x in range(pos["x"], pos["x"] + pos["w"])
                for y in range(pos["y"], pos["y"] + pos["h"])}  # fmt: skip
        assert not cells & area, f"{panel['title']} overlaps another panel"
        cells |= area


def test_rows_precede_their_panels(model: dict[str, Any]) -> None:
    row_of = {}
    current = ""
    for panel in model["panels"]:
        if panel["type"] == "row":
            current = panel["title"]
            assert panel["panels"] == []  # expanded rows; panels follow at top level
        else:
            row_of[panel["id"]] = current
    assert row_of[101] == "Overview"
    assert row_of[201] == "Watch"
    assert row_of[306] == "Reconcile"
    assert row_of[406] == "Webhook"


def test_template_variables(model: dict[str, Any]) -> None:
    datasource, namespace = model["templating"]["list"]
    assert (datasource["name"], datasource["type"], datasource["query"]) == (
        "datasource", "datasource", "prometheus",
    )  # fmt: skip
    assert namespace["name"] == "namespace"
    assert namespace["type"] == "query"
    assert namespace["query"]["query"] == "label_values(namespace_health_score, namespace)"
    assert namespace["multi"] is True
    assert namespace["includeAll"] is True
    assert namespace["allValue"] == ".*"
    assert namespace["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


def test_every_panel_uses_the_datasource_variable(model: dict[str, Any]) -> None:
    for panel in _panels(model):
        assert panel["datasource"]["uid"] == "${datasource}"
        assert all(t["datasource"]["uid"] == "${datasource}" for t in panel["targets"])


def test_rates_use_rate_interval(model: dict[str, Any]) -> None:
    windows = [w for e in _exprs(model) for w in re.findall(r"\[([^\]]*)\]", e)]
    assert windows
    assert set(windows) == {"$__rate_interval"}


def test_quantiles_are_pooled_by_le(model: dict[str, Any]) -> None:
    quantiles = [e for e in _exprs(model) if e.startswith("histogram_quantile")]
    assert len(quantiles) == 6
    assert quantiles[2] == (
        "histogram_quantile(0.99, sum by (le) "
        "(rate(devopspolicy_reconcile_duration_seconds_bucket[$__rate_interval])))"
    )


def test_aggregations_promised_by_titles(model: dict[str, Any]) -> None:
    by_title = {p["title"]: p["targets"][0]["expr"] for p in _panels(model)}
    assert by_title["Allow/Deny Rate"].startswith("sum by (allowed) (")
    assert by_title["Denial Breakdown by Violation"].startswith("sum by (violation) (")
    assert by_title["Violations by Namespace"].startswith("sum by (namespace) (")
    assert by_title["Pod Events Rate by Type"].startswith("sum by (event) (")
    assert by_title["Requests by Operation"].startswith("sum by (operation) (")


def test_health_thresholds(model: dict[str, Any]) -> None:
    expected = [
        {"color": "red", "value": None},
        {"color": "orange", "value": 40},
        {"color": "yellow", "value": 60},
        {"color": "green", "value": 80},
    ]
    health = [p for p in _panels(model) if "Health" in p["title"]]
    assert len(health) == 5
    for panel in health:
        assert panel["fieldConfig"]["defaults"]["thresholds"]["steps"] == expected
        assert (panel["fieldConfig"]["defaults"]["min"], panel["fieldConfig"]["defaults"]["max"]) \
            == (0, 100)  # fmt: skip


def test_no_two_panels_share_a_query(model: dict[str, Any]) -> None:
    exprs = _exprs(model)
    assert len(exprs) == len(set(exprs))


def test_every_target_has_a_legend_and_ref_id(model: dict[str, Any]) -> None:
    for panel in _panels(model):
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert ref_ids == ["A", "B", "C"][: len(ref_ids)]
        assert all(t["legendFormat"] for t in panel["targets"]), panel["title"]


def test_namespace_variable_only_on_metrics_with_namespace(model: dict[str, Any]) -> None:
    filtered = [e for e in _exprs(model) if "$namespace" in e]
    assert len(filtered) == 10  # panels 102-104, 201, 204, 205, 301, 302, 308, 404
    for expr in filtered:
        assert re.search(r"(namespace_health_score|devopspolicy_\w+|webhook_denials_total)"
                         r'\{namespace=~"\$namespace"\}', expr), expr  # fmt: skip


def test_enforcement_mode_is_mapped_to_words(model: dict[str, Any]) -> None:
    panel = next(p for p in _panels(model) if p["title"] == "Enforcement Mode")
    (mapping,) = panel["fieldConfig"]["defaults"]["mappings"]
    assert mapping["type"] == "value"
    assert mapping["options"]["0"]["text"] == "audit"
    assert mapping["options"]["1"]["text"] == "enforce"


def test_dashboard_identity(model: dict[str, Any]) -> None:
    assert model["uid"] == "kube-devops-overview"
    assert model["time"] == {"from": "now-1h", "to": "now"}
    assert model["tags"] == ["kubernetes", "kube-devops"]
