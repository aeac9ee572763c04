"""The HTML report: failing targets first and coloured, full detail, variables chosen per
dashboard, a diagnosis section, units in words (the page in a browser: tests/e2e)."""

from __future__ import annotations

import re

from kube_devops.notebook.report_html import panel_rows, render_html
from kube_devops.notebook.units import unit_words
from kube_devops.verify.model import PanelCheck, Reason, Status
from kube_devops.verify.plan import UncheckedTarget, VariableChoice, VariableStatus
from kube_devops.verify.report import DashboardCheck, Report

LONG = 'no node_load1 series has instance="x"; existing instance values: ' + "a, " * 60


def report() -> Report:
    ok = PanelCheck(
        "CPU", "Load", "node_load1", Status.OK, None, "1 series", 1, unit="short", dashboard="Node"
    )
    warn = PanelCheck(
        "CPU",
        "Idle",
        "rate(idle[1m])",
        Status.WARN,
        Reason.ALL_ZERO,
        "all zero",
        1,
        unit="cpm",
        dashboard="Node",
    )
    bad = PanelCheck(
        "CPU",
        "Load of x",
        'node_load1{instance="x"}',
        Status.EMPTY,
        Reason.LABEL_MISMATCH,
        LONG,
        0,
        unit="s",
        dashboard="Node",
    )
    variables = [
        VariableChoice("job", "custom", "a,b", VariableStatus.OK, "", ("a", "b"), ("a", "b"))
    ]
    loki = UncheckedTarget("Node", "Logs", "Errors", "A", "loki", "not PromQL")
    node = DashboardCheck("Node", "n", "node.json", variables, [ok, warn, bad], [loki])
    return Report([ok, warn, bad], dashboards=[node])


def test_rows_put_the_failing_target_first_then_warn_then_ok() -> None:
    rows = panel_rows(report())
    assert [(r["where"], r["status"], r["fails"]) for r in rows] == [
        ("Node / CPU / Load of x", "empty", True),
        ("Node / CPU / Idle", "warn", False),
        ("Node / CPU / Load", "ok", False),
    ]
    assert [r["unit"] for r in rows] == ["seconds", "counts per minute", "count"]


def test_the_page_keeps_the_full_detail_and_escapes_it() -> None:
    page = render_html(report(), "Node check")
    assert LONG.replace('"', "&#34;") in page
    assert 'class="status-empty fails"' in page


def test_the_page_has_verdict_diagnosis_and_chosen_variables() -> None:
    page = render_html(report(), "Node check")
    assert re.search(r'id="verdict">3 panels: 1 fail<', page)
    diagnosis = page[page.index('id="diagnosis"') : page.index('id="targets"')]
    assert "[empty] Node / CPU / Load of x</b>: label_mismatch" in diagnosis
    assert "[warn] Node / CPU / Idle</b>: all_zero" in diagnosis
    assert "Load</b>" not in diagnosis.replace("Load of x</b>", "")
    assert "<div>job = a | b</div>" in page
    assert "<div>Errors (loki): not PromQL</div>" in page


def test_unit_ids_in_words() -> None:
    assert unit_words("cpm") == "counts per minute"
    assert unit_words("reqps") == "requests per second"
    assert unit_words("percentunit") == "percent (0-1)"
    assert unit_words("bytes") == "bytes"
    assert unit_words("") == "value"
    assert unit_words("furlongs") == "furlongs"
