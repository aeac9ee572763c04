"""Through the sandbox and a real Prometheus: the shipped dashboard verifies with every panel ok,
the live scrapes match the catalog and the CLI agrees. (Broken dashboards and a stopped component
against the same sandbox: test_verify_broken_dashboards.py, test_verify_stopped_target.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kube_devops.core.catalog import CATALOG
from kube_devops.sandbox.launcher import Sandbox
from kube_devops.verify.run import VerifySettings, verify


def _settings(sandbox: Sandbox) -> VerifySettings:
    assert sandbox.state is not None
    state = sandbox.state
    return VerifySettings(state.prometheus_url, endpoints=state.endpoints, range_seconds=300)


def test_sandbox_comes_up_within_fifteen_seconds(sandbox: Sandbox) -> None:
    assert sandbox.state is not None
    assert sandbox.state.timings["targets_up"] <= 15.0
    assert set(sandbox.state.endpoints) == {"watch", "reconcile", "webhook"}
    assert sandbox.state.endpoints["webhook"].startswith("https://127.0.0.1:")


def test_scrape_jobs_come_from_the_service_monitors(sandbox: Sandbox) -> None:
    report = verify(_settings(sandbox))
    jobs = sorted(t["labels"]["job"] for t in report.targets)
    assert jobs == ["kube-devops-reconcile", "kube-devops-watch", "kube-devops-webhook"]
    webhook = next(t for t in report.targets if t["labels"]["job"] == "kube-devops-webhook")
    assert webhook["scrapeUrl"].startswith("https://127.0.0.1:")
    assert webhook["labels"]["namespace"] == "kube-devops"
    assert webhook["labels"]["endpoint"] == "metrics"
    assert webhook["scrapePool"] == "serviceMonitor/kube-devops/kube-devops-webhook/0"


def test_shipped_dashboard_every_panel_ok(sandbox: Sandbox) -> None:
    report = verify(_settings(sandbox))
    not_ok = [(p.title, p.status, p.reason, p.detail) for p in report.panels if p.status != "ok"]
    assert not_ok == []
    # 29 panels (4 rows of 6 + 7 + 10 + 6); the two quantile panels have 3 targets each, so
    # 29 + 2 + 2 = 33 checked targets.
    assert len(report.panels) == 33
    assert report.ok is True
    assert report.timings["slowest_query"] < 0.2


def test_live_metrics_match_the_catalog(sandbox: Sandbox) -> None:
    report = verify(_settings(sandbox))
    rows = {(m.component, m.name): m.status for m in report.metrics}
    assert rows == {(spec.component.value, spec.name): "ok" for spec in CATALOG}


def test_cli_verify_json_with_state_file(sandbox: Sandbox, tmp_path: Path) -> None:
    assert sandbox.state is not None
    state_file = sandbox.state.write(tmp_path / "state.json")
    done = subprocess.run(
        [sys.executable, "-m", "kube_devops", "verify", "--state-file", str(state_file), "--json",
         "--range", "5m"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is True
    assert {p["status"] for p in document["panels"]} == {"ok"}
