"""The JSON report contract and the exit code of ``kube-devops verify``: empty or error fail,
warn fails only with ``--strict``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kube_devops.cli.main import main
from kube_devops.verify import run
from kube_devops.verify.model import PanelCheck
from kube_devops.verify.report import Report

PANEL_KEYS = {"row", "title", "expr", "status", "reason", "detail", "series"}


def _panel(status: str, reason: str | None) -> PanelCheck:
    return PanelCheck("Watch", f"{status} panel", "up", status, reason, "why", 2)


def _report(*statuses: tuple[str, str | None], strict: bool = False) -> Report:
    return Report([_panel(s, r) for s, r in statuses], strict=strict)


def test_panel_entries_carry_exactly_the_contract_fields() -> None:
    document = _report(("ok", None), ("warn", "all_zero")).to_json()
    assert document["ok"] is True
    assert {"ok", "panels", "targets", "metrics"} <= set(document)
    assert document["panels"][1] == {
        "row": "Watch", "title": "warn panel", "expr": "up", "status": "warn",
        "reason": "all_zero", "detail": "why", "series": 2,
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
    assert main(argv) == code
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is (code == 0)
    assert document["panels"][0]["status"] == status
    assert seen["settings"].prometheus_url == "http://prom:9090"
    assert seen["settings"].range_seconds == 600


def test_variable_table_has_one_row_per_variable() -> None:
    from kube_devops.verify.variables import VariableCheck

    report = _report(("ok", None))
    report.variables = [
        VariableCheck("namespace", "query", "label_values(m, namespace)", "ok", "2 values",
                      ("dev", "prod"), "All"),
    ]  # fmt: skip
    table = report.variable_table()
    assert table.to_dict("records") == [
        {"name": "namespace", "type": "query", "query": "label_values(m, namespace)",
         "status": "ok", "detail": "2 values", "values": ("dev", "prod"), "chosen": "All"},
    ]  # fmt: skip


def test_panels_without_a_prometheus_query_are_named_not_hidden() -> None:
    report = Report([_panel("ok", None)], unchecked=["Loki logs"])
    assert report.ok is True
    assert report.to_json()["unchecked_panels"] == ["Loki logs"]
    assert report.summary().splitlines() == [
        "1 panel queries: 1 ok, 0 warn, 0 empty, 0 error",
        "  not checked (no Prometheus query): Loki logs",
    ]
