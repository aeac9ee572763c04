"""Public community dashboards against real exporters from Debian (node exporter, Alertmanager,
Prometheus scraping itself): every target's verdict agrees with what Grafana draws, listed by
hand per target in ``tests/data/dashboards/*/expected.yaml``. A target Grafana draws is never a
failure; a target Grafana shows "No data" for is ``empty`` with the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.verify.client import PromClient
from kube_devops.verify.model import PanelCheck
from kube_devops.verify.report import Report
from kube_devops.verify.run import VerifySettings, verify
from tests.e2e.e2e_real_exporters import RealStack, real_stack
from tests.e2e.e2e_stacks import wait_target_down
from tests.support.waiting import wait_until

DATA = Path(__file__).parents[1] / "data" / "dashboards"
DASHBOARDS = {
    "Prometheus AlertManager": DATA / "alertmanager" / "alertmanager.json",
    "Prometheus 2.0 Stats": DATA / "prometheus" / "prometheus_2_stats.json",
}
EXPECTED: dict[str, dict[str, dict[str, Any]]] = {
    title: yaml.safe_load((path.parent / "expected.yaml").read_text("utf-8"))
    for title, path in DASHBOARDS.items()
}
CASES = [(title, key) for title, targets in EXPECTED.items() for key in targets]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealStack]:
    with real_stack(tmp_path_factory.mktemp("real")) as stack:
        yield stack


@pytest.fixture(scope="module")
def report(real: RealStack) -> Report:
    settings = VerifySettings(real.prometheus_url, dashboards=tuple(DASHBOARDS.values()))
    return verify(settings)


def _by_key(report: Report, dashboard: str) -> dict[str, PanelCheck]:
    (found,) = [d for d in report.dashboards if d.title == dashboard]
    keyed: dict[str, PanelCheck] = {}
    raw = yaml.safe_load(DASHBOARDS[dashboard].read_text("utf-8"))
    refs = [(p["title"], t["refId"]) for p in raw["panels"] for t in p.get("targets", [])]
    assert [p.title for p in found.panels] == [title for title, _ in refs]
    for panel, (title, ref) in zip(found.panels, refs, strict=True):
        keyed[f"{title} / {ref}"] = panel
    return keyed


@pytest.mark.parametrize(("dashboard", "key"), CASES)
def test_verdict_agrees_with_what_grafana_draws(report: Report, dashboard: str, key: str) -> None:
    expected = EXPECTED[dashboard][key]
    panel = _by_key(report, dashboard)[key]
    allowed = [tuple(v) for v in expected["verdicts"]]
    assert (panel.status, panel.reason) in allowed, panel.detail
    if expected["grafana"] == "data":
        assert panel.series > 0, panel.detail
        assert panel not in report.failing
    else:
        assert panel.series == 0
        assert panel in report.failing


def test_every_target_is_listed_and_the_final_queries_carry_the_variables(
    report: Report, real: RealStack
) -> None:
    assert [(d.title, len(d.panels)) for d in report.dashboards] == [
        ("Prometheus AlertManager", 11), ("Prometheus 2.0 Stats", 21)
    ]  # fmt: skip
    (alertmanager,) = [d for d in report.dashboards if d.title == "Prometheus AlertManager"]
    chosen = {v.name: v.chosen for v in alertmanager.variables}
    assert chosen["instance"] == (real.instances["alertmanager"],)
    members = next(p for p in alertmanager.panels if p.title == "Cluster Members")
    assert members.template == 'alertmanager_cluster_members{instance="${instance}"}'
    assert members.expr == (
        f'alertmanager_cluster_members{{instance="{real.instances["alertmanager"]}"}}'
    )


def _wait_empty(url: str, expr: str, timeout: float = 15) -> None:
    client = PromClient(url)
    try:
        wait_until(lambda: not client.instant(expr).series, timeout, f"{expr} empty", every=0.2)
    finally:
        client.close()


def test_an_exporter_that_stopped_mid_range_is_drawn_and_warned_not_empty(tmp_path: Path) -> None:
    """Alertmanager stops: its series end inside the range and Grafana still draws them. Gauges
    and 4 s rate windows have nothing at the end: ``stale``, with when the data stopped. The
    20 m rate window (target interval 5m) still holds samples: ``target_down``. All warn."""
    with real_stack(tmp_path) as stack:
        stack.stop("alertmanager")
        wait_target_down(stack.prometheus_url, "alertmanager")
        _wait_empty(stack.prometheus_url, "alertmanager_cluster_members")
        _wait_empty(stack.prometheus_url, "rate(alertmanager_notifications_total[4s])")
        settings = VerifySettings(
            stack.prometheus_url, dashboards=(DASHBOARDS["Prometheus AlertManager"],)
        )
        report = verify(settings)
    panels = report.dashboards[0].panels
    reasons = [(p.title, p.status, p.reason) for p in panels]
    assert reasons[0] == ("Received Alerts (rate over 5 min)", "warn", "target_down")
    assert {(s, r) for _, s, r in reasons[1:]} == {("warn", "stale")}
    for panel in panels[1:]:
        assert "every series stopped before the end of the range: last sample at " in panel.detail
    for panel in panels:
        assert f"instance={stack.instances['alertmanager']}" in panel.detail
        assert "is down" in panel.detail
    assert report.ok is True


def _config_map_list(path: Path) -> Path:
    """Both dashboards as kube-prometheus publishes its own: a ConfigMapList of ConfigMaps."""
    items = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"grafana-dashboard-{i}"},
         "data": {file.name: file.read_text("utf-8")}}
        for i, file in enumerate(DASHBOARDS.values())
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMapList", "items": items}))
    return path


def test_cli_on_a_config_map_list_reports_both_dashboards_and_fails_on_no_data(
    real: RealStack, tmp_path: Path
) -> None:
    """Exit 1: Grafana shows No data for four targets of the Prometheus 2.0 Stats dashboard."""
    listing = _config_map_list(tmp_path / "dashboards.yaml")
    argv = [sys.executable, "-m", "kube_devops", "verify", "--prometheus-url",
            real.prometheus_url, "--dashboard", str(listing), "--json", "--range", "5m",
            "--concurrency", "4"]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert [(d["title"], d["ok"]) for d in document["dashboards"]] == [
        ("Prometheus AlertManager", True), ("Prometheus 2.0 Stats", False)
    ]  # fmt: skip
    assert [d["file"].split("#")[0] for d in document["dashboards"]] == [str(listing)] * 2
    failing = [(p["title"], p["reason"]) for p in document["panels"] if p["status"] == "empty"]
    assert failing == [
        ("Head Block GC Activity", "metric_missing"),
        ("Compaction Activity", "metric_missing"),
        ("Rule Group Eval Activity", "metric_missing"),
        ("Rule Group Eval Activity", "metric_missing"),
    ]
    assert document["ok"] is False
