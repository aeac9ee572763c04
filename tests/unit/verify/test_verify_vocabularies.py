"""The verifier's vocabularies are enums whose words in the reports stay exactly these strings."""

from __future__ import annotations

import json
from dataclasses import asdict

from kube_devops.cli.check_outcome import Outcome, State
from kube_devops.cli.output import dump
from kube_devops.verify.model import PanelCheck, Reason, Status
from kube_devops.verify.plan import VariableStatus
from kube_devops.verify.scrape import MetricCheck, MetricStatus


def test_the_words_of_each_vocabulary() -> None:
    assert [str(s) for s in Status] == ["ok", "warn", "empty", "error"]
    assert [str(r) for r in Reason] == [
        "metric_missing", "label_mismatch", "window_too_short", "target_down",
        "legend_label_missing", "query_error", "filtered_out", "stale", "all_zero",
    ]  # fmt: skip
    assert [str(v) for v in VariableStatus] == ["ok", "empty", "error", "skipped"]
    assert [str(m) for m in MetricStatus] == [
        "ok", "no_samples", "missing", "wrong_type", "wrong_labels", "unreachable", "extra",
    ]  # fmt: skip
    assert [str(s) for s in State] == ["OK", "WARN", "FAIL"]


def test_panel_json_carries_plain_strings() -> None:
    panel = PanelCheck("Row", "Rate", "rate(x[20s])", Status.WARN, Reason.WINDOW_TOO_SHORT, "d", 1)
    text = json.dumps(panel.to_json())
    assert '"status": "warn"' in text
    assert '"reason": "window_too_short"' in text
    entry = json.loads(text)
    assert type(entry["status"]) is str
    assert type(entry["reason"]) is str


def test_metric_rows_dump_their_status_word() -> None:
    row = MetricCheck("watch", "m", "gauge", "gauge", (), (), MetricStatus.NO_SAMPLES, "none yet")
    assert json.loads(json.dumps(asdict(row)))["status"] == "no_samples"


def test_check_lines_dump_as_their_words_in_json_and_yaml() -> None:
    line = asdict(Outcome("Cluster connection", State.WARN, "slow"))
    assert json.loads(dump(line, "json"))["state"] == "WARN"
    assert dump(line, "yaml") == "label: Cluster connection\nstate: WARN\ndetail: slow\n"
