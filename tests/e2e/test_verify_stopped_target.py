"""A component that stops: its panels still hold its samples from earlier in the range, which
Grafana draws, so they warn (``target_down`` while the range windows still cover samples,
``stale`` once nothing is left at the end) naming the target that is down, on both stacks. Marked
``stops_component``, so it runs after every other test sharing the stacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from kube_devops.core.catalog import Component
from kube_devops.verify.run import VerifySettings, verify
from tests.e2e.e2e_derived_dashboard import write_derived_broken_dashboard
from tests.e2e.e2e_stacks import Stack, wait_target_down

JOB = "kube-devops-webhook"


@pytest.mark.stops_component
def test_stopped_component_warns_naming_the_down_target(stack: Stack, tmp_path: Path) -> None:
    stack.stop_component(Component.WEBHOOK)
    wait_target_down(stack.prometheus_url, JOB)
    dashboard = write_derived_broken_dashboard(tmp_path)
    settings = VerifySettings(stack.prometheus_url, dashboards=(dashboard,), range_seconds=60)
    report = verify(settings)
    webhook = [p for p in report.panels if p.row == "Webhook"]
    # Webhook row: 6 panels, the quantile panel with 3 targets -> 8 targets.
    assert len(webhook) == 8
    assert {p.status for p in webhook} == {"warn"}
    assert {p.reason for p in webhook} <= {"target_down", "stale"}
    requests = next(p for p in report.panels if p.title == "Webhook Requests per Minute")
    assert (requests.status, requests.reason in {"target_down", "stale"}) == ("warn", True)
    for panel in [*webhook, requests]:
        assert f"job={JOB}" in panel.detail
        assert "is down" in panel.detail
    misspelt = next(p for p in report.panels if p.title == "Misspelt metric")
    assert (misspelt.status, misspelt.reason) == ("empty", "metric_missing")
    assert f"did you mean pods_tracked_total?; targets down: job={JOB}" in misspelt.detail
    health = {t["labels"]["job"]: t["health"] for t in report.targets}
    assert health == {
        "kube-devops-watch": "up", "kube-devops-reconcile": "up", JOB: "down"
    }  # fmt: skip
    assert report.ok is False
