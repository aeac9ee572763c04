"""The verifier against a real Prometheus: each panel broken on purpose gets its own status and
reason. One body runs over both stacks: the hand-written broken dashboard against fake exporters
(any dashboard, every reference form, collapsed rows), and a dashboard derived from the shipped
one against the sandbox (real components, scrapes rendered from the ServiceMonitors)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.verify.model import PanelCheck
from kube_devops.verify.report import Report
from kube_devops.verify.run import VerifySettings, verify
from tests.e2e.e2e_derived_dashboard import write_derived_broken_dashboard
from tests.e2e.e2e_stacks import FAKE, SANDBOX, stack_named

HERE = Path(__file__).parent / "dashboards"
EXPECTED: dict[str, dict[str, dict[str, Any]]] = {
    FAKE: yaml.safe_load((HERE / "broken_dashboard_expected.yaml").read_text()),
    SANDBOX: yaml.safe_load((HERE / "derived_broken_expected.yaml").read_text()),
}
CASES = [(stack, title) for stack, panels in EXPECTED.items() for title in panels]
fake_only = pytest.mark.parametrize("verified", [FAKE], indirect=True)


@dataclass
class Verified:
    """The report on one stack's broken dashboard, and what it should say."""

    stack: str
    report: Report

    @property
    def expected(self) -> dict[str, dict[str, Any]]:
        return EXPECTED[self.stack]

    def panel(self, title: str) -> PanelCheck:
        (found,) = [p for p in self.report.panels if p.title == title]
        return found


@pytest.fixture(scope="module", params=[FAKE, SANDBOX])
def verified(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Verified:
    """Computed once per stack."""
    stack = stack_named(request, request.param)
    if stack.name == FAKE:
        dashboard = HERE / "broken_dashboard.json"
    else:
        dashboard = write_derived_broken_dashboard(tmp_path_factory.mktemp("dashboard"))
    settings = VerifySettings(
        prometheus_url=stack.prometheus_url,
        dashboards=(dashboard,),
        endpoints=stack.endpoints,
        range_seconds=60,
    )
    return Verified(stack.name, verify(settings))


@pytest.mark.parametrize(("verified", "title"), CASES, indirect=["verified"])
def test_panel_gets_expected_status_and_reason(verified: Verified, title: str) -> None:
    expected = verified.expected[title]
    panel = verified.panel(title)
    assert (panel.row, panel.status, panel.reason) == (
        expected["row"],
        expected["status"],
        expected["reason"],
    ), panel.detail
    assert expected["detail_contains"] in panel.detail


def test_report_fails_exactly_on_the_broken_panels(verified: Verified) -> None:
    expected = verified.expected
    failing = {p.title for p in verified.report.failing}
    assert failing == {t for t, e in expected.items() if e["status"] in {"empty", "error"}}
    others = [
        (p.title, p.status, p.detail) for p in verified.report.panels if p.title not in expected
    ]
    assert [o for o in others if o[1] != "ok"] == []
    assert verified.report.to_json()["ok"] is False


def test_strict_turns_warnings_into_failures(verified: Verified) -> None:
    report = verified.report
    report.strict = True
    try:
        titles = {p.title for p in report.failing}
    finally:
        report.strict = False
    assert titles == {t for t, e in verified.expected.items() if e["status"] != "ok"}


def test_json_follows_the_contract_and_every_target_is_up(verified: Verified) -> None:
    document = verified.report.to_json()
    assert set(document["panels"][0]) == {
        "dashboard", "row", "title", "template", "expr", "status", "reason", "detail", "series"
    }  # fmt: skip
    assert len(document["dashboards"]) == 1
    assert len(document["targets"]) == 3
    assert {t["health"] for t in document["targets"]} == {"up"}


def test_live_scrape_matches_the_catalog(verified: Verified) -> None:
    assert len(verified.report.metrics) == 18  # the contract's 16 and the watch's two
    assert {m.status for m in verified.report.metrics} == {"ok"}


@pytest.mark.parametrize("verified", [SANDBOX], indirect=True)
def test_derived_dashboard_keeps_every_shipped_panel(verified: Verified) -> None:
    # 4 rows of 6 + 7 + 10 + 6 = 29 panels; the two quantile panels have 3 targets each, so
    # 29 + 2 + 2 = 33 targets. Only six of them were renamed and broken.
    assert len(verified.report.panels) == 33
    assert {p.row for p in verified.report.panels} == {"Overview", "Watch", "Reconcile", "Webhook"}
    by_name = {v.name: v for v in verified.report.dashboards[0].variables}
    assert by_name["namespace"].values == ("dev", "production", "staging")


@fake_only
def test_every_panel_including_collapsed_rows_is_checked(verified: Verified) -> None:
    assert [p.title for p in verified.report.panels] == list(verified.expected)


@fake_only
def test_all_becomes_every_value_in_every_reference_form(verified: Verified) -> None:
    """Grafana's All without ``allValue`` is every option, in the regex format of Prometheus."""
    for title in ("dollar", "braced", "bracket"):
        panel = verified.panel(f"Namespace scores ({title} form)")
        assert panel.expr == 'namespace_health_score{namespace=~"(team-a|team-b)"}'
        assert panel.series == 2


@fake_only
def test_rate_interval_is_four_scrape_intervals(verified: Verified) -> None:
    # range 60 s -> step max(1 s, 60/200 rounded = 0) = 1 s; max(1 + 1, 4 x 1) = 4 s
    panel = verified.panel("Requests by verdict")
    assert panel.expr == "sum by (allowed) (rate(webhook_requests_total[4s]))"
    assert panel.series == 2


@fake_only
def test_variable_queries_are_checked(verified: Verified) -> None:
    by_name = {v.name: v for v in verified.report.dashboards[0].variables}
    assert (by_name["namespace"].status, by_name["namespace"].values) == (
        "ok",
        ("team-a", "team-b"),
    )
    assert by_name["namespace"].chosen == ("$__all",)
    assert by_name["ghost"].status == "empty"
    assert (by_name["datasource"].status, by_name["datasource"].chosen) == ("ok", ("prometheus",))
