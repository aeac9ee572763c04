"""The reports for people: in the terminal, per dashboard its variable values once, a table that
fits the width and the final query of every target that is not ok (the HTML report:
test_verify_report_html.py)."""

from __future__ import annotations

from kube_devops.verify.model import PanelCheck, Reason, Status
from kube_devops.verify.plan import Repeat, UncheckedTarget, VariableChoice, VariableStatus
from kube_devops.verify.report import DashboardCheck, Report
from kube_devops.verify.report_text import render, table

LONG = 'no node_load1 series has instance="x"; existing instance values: ' + "a, " * 30


def _report() -> Report:
    ok = PanelCheck(
        "CPU",
        "Load",
        "node_load1",
        Status.OK,
        None,
        "1 series now, 1 over the range",
        1,
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
        template='node_load1{instance="$node"}',
        dashboard="Node",
        repeat=Repeat("node", "x"),
    )
    variables = [
        VariableChoice(
            "node",
            "query",
            "label_values(node_load1, instance)",
            VariableStatus.OK,
            "",
            ("x",),
            ("x",),
        ),
        VariableChoice("job", "custom", "a,b", VariableStatus.OK, "", ("a", "b"), ("a", "b")),
    ]
    loki = UncheckedTarget("Node", "Logs", "Errors", "A", "loki", "not PromQL")
    node = DashboardCheck("Node", "n", "node.json", variables, [ok, bad], [loki])
    return Report([ok, bad], dashboards=[node])


def test_render_names_variables_once_and_the_query_of_each_target_not_ok() -> None:
    lines = render(_report(), width=80).splitlines()
    assert lines[:2] == ["== Node (node.json)", "variables: node=x, job={a,b}"]
    assert lines.count("variables: node=x, job={a,b}") == 1
    assert '    query: node_load1{instance="x"}' in lines
    assert "    query: node_load1" not in lines  # the ok target's query is not repeated
    assert "[not checked] Logs / Errors (loki): not PromQL" in lines
    assert lines[-1].startswith("  FAIL Node: CPU / Load of x: label_mismatch: ")


def test_table_fits_the_width_by_cutting_the_detail_first() -> None:
    lines = render(_report(), width=80).splitlines()
    rows = lines[2:5]
    assert all(len(line) <= 80 for line in rows)
    assert rows[0].split() == ["row", "title", "status", "reason", "series", "detail"]
    assert "Load of x [node=x]" in rows[2]
    assert rows[2].endswith("~")


def test_table_keeps_short_rows_whole() -> None:
    rows = table([("Overview", "Up", "ok", "", "3", "3 series now")], width=200)
    assert rows == [
        "row       title  status  reason  series  detail",
        "Overview  Up     ok              3       3 series now",
    ]


def test_narrow_terminal_shrinks_title_after_detail() -> None:
    cells = ("Row", "A very long panel title indeed", "warn", "all_zero", "2", "every value 0")
    rows = table([cells], width=50)
    # Widths 3+30+6+8+6+13 plus 5 gaps of 2 = 76: the detail gives up 7 (down to its minimum
    # of 6), the title the remaining 19 (30 -> 11).
    assert rows[1] == "Row  A very lon~  warn    all_zero  2       every~"
    assert all(len(r) <= 50 for r in rows)
