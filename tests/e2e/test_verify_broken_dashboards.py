"""The verifier against a real Prometheus: each panel broken on purpose gets its own reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FakeStack

from kube_devops.verify.report import Report
from kube_devops.verify.run import VerifySettings, verify

HERE = Path(__file__).parent / "dashboards"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (HERE / "broken_dashboard_expected.yaml").read_text()
)


@pytest.fixture(scope="module")
def report(fake_stack: FakeStack) -> Report:
    settings = VerifySettings(
        prometheus_url=fake_stack.prometheus_url,
        dashboard=HERE / "broken_dashboard.json",
        endpoints={c.value: e.url for c, e in fake_stack.exporters.items()},
        range_seconds=60,
    )
    return verify(settings)


def _panel(report: Report, title: str) -> Any:
    (found,) = [p for p in report.panels if p.title == title]
    return found


@pytest.mark.parametrize("title", list(EXPECTED))
def test_panel_gets_expected_status_and_reason(report: Report, title: str) -> None:
    expected = EXPECTED[title]
    panel = _panel(report, title)
    assert (panel.row, panel.status, panel.reason) == (
        expected["row"],
        expected["status"],
        expected["reason"],
    ), panel.detail
    assert expected["detail_contains"] in panel.detail


def test_every_panel_including_collapsed_rows_is_checked(report: Report) -> None:
    assert [p.title for p in report.panels] == list(EXPECTED)


def test_all_becomes_dot_star_in_every_reference_form(report: Report) -> None:
    for title in ("dollar", "braced", "bracket"):
        panel = _panel(report, f"Namespace scores ({title} form)")
        assert panel.expr == 'namespace_health_score{namespace=~".*"}'
        assert panel.series == 2


def test_rate_interval_is_four_scrape_intervals(report: Report) -> None:
    # range 60 s -> step max(1 s, 60/200 rounded = 0) = 1 s; max(1 + 1, 4 x 1) = 4 s
    panel = _panel(report, "Requests by verdict")
    assert panel.expr == "sum by (allowed) (rate(webhook_requests_total[4s]))"
    assert panel.series == 2


def test_variable_queries_are_checked(report: Report) -> None:
    by_name = {v.name: v for v in report.variables}
    assert (by_name["namespace"].status, by_name["namespace"].values) == (
        "ok",
        ("team-a", "team-b"),
    )
    assert by_name["namespace"].chosen == "All"
    assert by_name["ghost"].status == "empty"
    assert by_name["datasource"].status == "skipped"


def test_report_fails_and_json_follows_the_contract(report: Report) -> None:
    document = report.to_json()
    assert document["ok"] is False
    assert set(document["panels"][0]) == {
        "row", "title", "expr", "status", "reason", "detail", "series"
    }  # fmt: skip
    assert len(document["targets"]) == 3
    assert {t["health"] for t in document["targets"]} == {"up"}
    failing = {p.title for p in report.failing}
    assert failing == {t for t, e in EXPECTED.items() if e["status"] in {"empty", "error"}}


def test_live_scrape_matches_the_catalog(report: Report) -> None:
    assert len(report.metrics) == 16
    assert {m.status for m in report.metrics} == {"ok"}


def test_strict_turns_warnings_into_failures(report: Report) -> None:
    report.strict = True
    try:
        titles = {p.title for p in report.failing}
    finally:
        report.strict = False
    assert {"Legend label missing", "All zero"} <= titles
