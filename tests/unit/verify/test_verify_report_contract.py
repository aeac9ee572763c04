"""The JSON report contract and the exit code of ``kube-devops verify``: empty or error fail,
warn and filtered_out fail only with ``--strict``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kube_devops.cli.main import main
from kube_devops.verify import run
from kube_devops.verify.model import PanelCheck, Reason, Status
from kube_devops.verify.plan import Repeat, UncheckedTarget, VariableChoice, VariableStatus
from kube_devops.verify.report import DashboardCheck, Report

PANEL_KEYS = {"dashboard", "row", "title", "template", "expr", "status", "reason", "detail"}
PANEL_KEYS |= {"series"}


def _panel(status: str, reason: str | None) -> PanelCheck:
    return PanelCheck(
        "Watch",
        f"{status} panel",
        "up",
        Status(status),
        Reason(reason) if reason else None,
        "why",
        2,
    )


def _report(*statuses: tuple[str, str | None], strict: bool = False) -> Report:
    return Report([_panel(s, r) for s, r in statuses], strict=strict)


def test_panel_entries_carry_exactly_the_contract_fields() -> None:
    document = _report(("ok", None), ("warn", "all_zero")).to_json()
    assert document["ok"] is True
    assert {"ok", "panels", "targets", "metrics"} <= set(document)
    assert document["panels"][1] == {
        "dashboard": "", "row": "Watch", "title": "warn panel", "template": "", "expr": "up",
        "status": "warn", "reason": "all_zero", "detail": "why", "series": 2,
    }  # fmt: skip
    assert all(set(p) == PANEL_KEYS for p in document["panels"])
    json.dumps(document)  # serialisable as it is


@pytest.mark.parametrize(
    ("statuses", "strict", "ok"),
    [
        ((("ok", None),), False, True),
        ((("ok", None), ("warn", "legend_label_missing")), False, True),
        ((("ok", None), ("warn", "legend_label_missing")), True, False),
        ((("ok", None), ("empty", "metric_missing")), False, False),
        ((("error", "query_error"),), False, False),
        ((("ok", None), ("empty", "filtered_out")), False, True),
        ((("ok", None), ("empty", "filtered_out")), True, False),
        ((("ok", None), ("warn", "stale")), False, True),
    ],
)
def test_ok_is_false_when_a_panel_fails(
    statuses: tuple[tuple[str, str | None], ...], strict: bool, ok: bool
) -> None:
    assert _report(*statuses, strict=strict).to_json()["ok"] is ok


@pytest.mark.parametrize(
    ("status", "reason", "flags", "code"),
    [
        ("ok", None, [], 0),
        ("warn", "all_zero", [], 0),
        ("warn", "all_zero", ["--strict"], 1),
        ("empty", "label_mismatch", [], 1),
        ("error", "query_error", [], 1),
        ("empty", "filtered_out", [], 0),
        ("empty", "filtered_out", ["--strict"], 1),
    ],
)
def test_cli_exit_code(
    status: str,
    reason: str | None,
    flags: list[str],
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: dict[str, Any] = {}

    def fake_verify(settings: run.VerifySettings, progress: Any = None) -> Report:
        seen["settings"] = settings
        return _report((status, reason), strict=settings.strict)

    monkeypatch.setattr(run, "verify", fake_verify)
    argv = ["verify", "--prometheus-url", "http://prom:9090", "--range", "10m", "--json", *flags]
    argv += ["--dashboard", "a.json", "--dashboard", "dir", "--datasource", "Loki=loki"]
    argv += ["--concurrency", "3", "--max-data-points", "900"]
    assert main(argv) == code
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is (code == 0)
    assert document["panels"][0]["status"] == status
    assert seen["settings"].prometheus_url == "http://prom:9090"
    assert seen["settings"].range_seconds == 600
    assert [str(p) for p in seen["settings"].dashboards] == ["a.json", "dir"]
    assert dict(seen["settings"].datasources) == {"Loki": "loki"}
    assert (seen["settings"].concurrency, seen["settings"].max_data_points) == (3, 900)


def _dashboard_report() -> Report:
    node = VariableChoice(
        "instance",
        "query",
        "label_values(up, instance)",
        VariableStatus.OK,
        "2 values",
        ("a:9100", "b:9100"),
        ("a:9100", "b:9100"),
        "All",
    )
    repeated = [_panel("ok", None) for _ in range(2)]
    for panel, value in zip(repeated, ("a:9100", "b:9100"), strict=True):
        panel.dashboard, panel.template = "Node", 'up{instance="$instance"}'
        panel.repeat = Repeat("instance", value)
    loki = UncheckedTarget("Node", "Logs", "Errors", "A", "loki", "not PromQL")
    node_check = DashboardCheck("Node", "n1", "node.json", [node], repeated, [loki])
    filtered = _panel("empty", "filtered_out")
    filtered.dashboard = "Alerts"
    alerts = DashboardCheck("Alerts", "a1", "alerts.yaml#alerts.json", [], [filtered])
    return Report([*repeated, filtered], dashboards=[node_check, alerts])


def test_dashboards_list_gives_each_dashboard_its_variables_and_unchecked_targets() -> None:
    document = _dashboard_report().to_json()
    assert document["dashboards"] == [
        {
            "title": "Node",
            "uid": "n1",
            "file": "node.json",
            "ok": True,
            "variables": {"instance": ["a:9100", "b:9100"]},
            "unchecked": [
                {
                    "dashboard": "Node",
                    "row": "Logs",
                    "title": "Errors",
                    "ref_id": "A",
                    "datasource_type": "loki",
                    "reason": "not PromQL",
                }
            ],
        },
        {
            "title": "Alerts",
            "uid": "a1",
            "file": "alerts.yaml#alerts.json",
            "ok": True,
            "variables": {},
            "unchecked": [],
        },
    ]
    assert [p.get("repeat") for p in document["panels"]] == [
        {"variable": "instance", "value": "a:9100"},
        {"variable": "instance", "value": "b:9100"},
        None,
    ]
    assert document["ok"] is True


def test_strict_fails_the_dashboard_with_a_filtered_out_target() -> None:
    report = _dashboard_report()
    report.strict = True
    assert [d["ok"] for d in report.to_json()["dashboards"]] == [True, False]
    assert report.to_json()["ok"] is False


def test_variable_table_has_one_row_per_variable_of_each_dashboard() -> None:
    assert _dashboard_report().variable_rows() == [
        {
            "dashboard": "Node",
            "name": "instance",
            "type": "query",
            "query": "label_values(up, instance)",
            "status": "ok",
            "detail": "2 values",
            "values": ("a:9100", "b:9100"),
            "chosen": ("a:9100", "b:9100"),
            "text": "All",
        },
    ]


def test_panels_without_a_prometheus_query_are_named_not_hidden() -> None:
    report = Report([_panel("ok", None)], unchecked=["Loki logs"])
    assert report.ok is True
    assert report.to_json()["unchecked_panels"] == ["Loki logs"]
    assert report.summary().splitlines() == [
        "1 panel queries: 1 ok, 0 warn, 0 empty, 0 error",
        "  not checked (no Prometheus query): Loki logs",
    ]
