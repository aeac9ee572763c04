"""The Grafana dashboard, built with grafana-foundation-sdk from the panel table, and its ConfigMap.

Rows are emitted expanded, each followed by its panels at the top level, with explicit
``gridPos`` so the layout never depends on the SDK's auto-placement. The ConfigMap carries the
``grafana_dashboard: "1"`` label that the Grafana sidecar discovers.
"""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.builders import common as cb
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import gauge, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as cm
from grafana_foundation_sdk.models import dashboard as dm

from kube_devops.manifests import labels as lb
from kube_devops.manifests.dashboard_panels import ROWS
from kube_devops.manifests.labels import Manifest
from kube_devops.manifests.panel_model import NAMESPACE_SCORE, Kind, PanelSpec, Thresholds

UID = "kube-devops-overview"
TITLE = "kube-devops Observability"
CONFIGMAP_NAME = "kube-devops-grafana-dashboard"
CONFIGMAP_KEY = "kube-devops.json"
DATASOURCE = dm.DataSourceRef(type_val="prometheus", uid="${datasource}")
GRID_WIDTH = 24

_STEPS: dict[Thresholds, list[tuple[float | None, str]]] = {
    Thresholds.HEALTH: [(None, "red"), (40, "orange"), (60, "yellow"), (80, "green")],
    Thresholds.COUNT: [(None, "green"), (1, "orange"), (10, "red")],
    Thresholds.NONE: [(None, "green")],
}
_MODES = {"0": ("audit", "blue"), "1": ("enforce", "purple")}

PanelBuilder = stat.Panel | gauge.Panel | timeseries.Panel


def dashboard_model() -> dict[str, Any]:
    """The dashboard as the JSON-ready dict Grafana imports."""
    built = _dashboard_builder().build()
    model: dict[str, Any] = json.loads(json.dumps(built, cls=JSONEncoder))
    return model


def dashboard_json() -> str:
    """The dashboard JSON text, indented and with sorted keys so diffs stay readable."""
    return json.dumps(dashboard_model(), indent=2, sort_keys=True) + "\n"


def dashboard_configmap(namespace: str = lb.DEFAULT_NAMESPACE) -> Manifest:
    """The ConfigMap the Grafana sidecar imports (label ``grafana_dashboard: "1"``)."""
    labels = {**lb.app_labels(), "grafana_dashboard": "1"}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": lb.metadata(CONFIGMAP_NAME, namespace, labels),
        "data": {CONFIGMAP_KEY: dashboard_json()},
    }


def _dashboard_builder() -> db.Dashboard:
    board = (
        db.Dashboard(TITLE)
        .uid(UID)
        .tags(["kubernetes", "kube-devops"])
        .time("now-1h", "now")
        .refresh("30s")
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
        .editable()
        .with_variable(_datasource_variable())
        .with_variable(_namespace_variable())
    )
    y = 0
    for row in ROWS:
        board.with_row(db.Row(row.title).id(row.id).grid_pos(dm.GridPos(h=1, w=GRID_WIDTH, y=y)))
        y += 1
        x, line_height = 0, 0
        for spec in row.panels:
            if x + spec.width > GRID_WIDTH:
                x, y, line_height = 0, y + line_height, 0
            board.with_panel(_panel(spec, dm.GridPos(h=spec.height, w=spec.width, x=x, y=y)))
            x, line_height = x + spec.width, max(line_height, spec.height)
        y += line_height
    return board


def _datasource_variable() -> db.DatasourceVariable:
    return db.DatasourceVariable("datasource").label("Data source").type("prometheus")


def _namespace_variable() -> db.QueryVariable:
    query = f"label_values({NAMESPACE_SCORE}, namespace)"
    return (
        db.QueryVariable("namespace")
        .label("Namespace")
        .datasource(DATASOURCE)
        .query({"query": query, "refId": "namespace"})
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .all_value(".*")
        .current(dm.VariableOption(selected=True, text="All", value="$__all"))
    )


def _panel(spec: PanelSpec, grid: dm.GridPos) -> PanelBuilder:
    panel = _typed_panel(spec)
    panel.id(spec.id).title(spec.title).description(spec.description).unit(spec.unit)
    panel.datasource(DATASOURCE).grid_pos(grid).thresholds(_thresholds(spec.thresholds))
    for index, target in enumerate(spec.targets):
        query = prometheus.Dataquery().expr(target.expr).legend_format(target.legend)
        panel.with_target(query.ref_id(chr(ord("A") + index)).datasource(DATASOURCE))
    if spec.score_range:
        panel.min(0).max(100)
    if spec.mode_mapping:
        panel.mappings([_mode_mapping()])
    return panel


def _typed_panel(spec: PanelSpec) -> PanelBuilder:
    if spec.kind is Kind.TIMESERIES:
        legend = cb.VizLegendOptions().show_legend(True).display_mode(cm.LegendDisplayMode.LIST)
        return timeseries.Panel().legend(legend.placement(cm.LegendPlacement.BOTTOM))
    reduce = cb.ReduceDataOptions().calcs(["lastNotNull"]).values(False)
    if spec.kind is Kind.GAUGE:
        return gauge.Panel().reduce_options(reduce).show_threshold_markers(True)
    return stat.Panel().reduce_options(reduce).color_mode(cm.BigValueColorMode.VALUE)


def _thresholds(kind: Thresholds) -> db.ThresholdsConfig:
    steps = [dm.Threshold(value=value, color=color) for value, color in _STEPS[kind]]
    return db.ThresholdsConfig().mode(dm.ThresholdsMode.ABSOLUTE).steps(steps)


def _mode_mapping() -> dm.ValueMap:
    return dm.ValueMap(
        options={
            value: dm.ValueMappingResult(text=text, color=color, index=index)
            for index, (value, (text, color)) in enumerate(_MODES.items())
        }
    )
