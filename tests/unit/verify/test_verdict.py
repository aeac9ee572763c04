"""The closing lines of verify-stack.sh: diagnosis first, then one verdict line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kube_devops.verify.verdict import diagnosis, main, verdict_line


def panel(title: str, status: str, reason: str | None = None) -> dict[str, Any]:
    return {
        "dashboard": "", "row": "Watch", "title": title, "status": status, "reason": reason,
        "expr": f"sum({title.lower()})", "detail": f"{title} detail, in full",
    }  # fmt: skip


ALL_OK = {"ok": True, "panels": [panel("A", "ok"), panel("B", "ok"), panel("C", "ok")]}
ONE_FAILS = {
    "ok": False,
    "panels": [
        panel("A", "ok"),
        panel("B", "empty", "metric_missing"),
        panel("C", "empty", "filtered_out"),
        panel("D", "warn", "all_zero"),
    ],
}


def test_all_ok_is_one_line() -> None:
    assert verdict_line(ALL_OK) == "3 panels: 3 ok"
    assert diagnosis(ALL_OK) == []


def test_a_failure_is_named_with_its_counts() -> None:
    assert verdict_line(ONE_FAILS) == "4 panels: 1 ok, 1 warn, 2 empty; failing: Watch / B"


def test_the_diagnosis_gives_reason_query_and_full_detail() -> None:
    assert diagnosis(ONE_FAILS) == [
        "[empty] Watch / B: metric_missing",
        "    query:  sum(b)",
        "    detail: B detail, in full",
    ]


def test_main_prints_diagnosis_before_the_verdict_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "verify_report.json"
    path.write_text(json.dumps(ONE_FAILS))
    assert main([str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[empty] Watch / B: metric_missing"
    assert lines[-1].startswith("4 panels: 1 ok")


def test_a_missing_report_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "nope.json" in err[0]
