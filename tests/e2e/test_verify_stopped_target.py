"""A component that stops: its panels are empty with reason target_down naming the target."""

from __future__ import annotations

import time
from pathlib import Path

from e2e_fake_exporter import fake_exporters, static_jobs

from kube_devops.core.catalog import Component
from kube_devops.verify.client import PromClient
from kube_devops.verify.prometheus import PrometheusSettings, start_prometheus
from kube_devops.verify.readiness import wait_for_samples, wait_targets_up
from kube_devops.verify.run import VerifySettings, verify

DASHBOARD = Path(__file__).parent / "dashboards" / "watch_only_dashboard.json"


def _wait_down(client: PromClient, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(t["health"] == "down" for t in client.targets()):
            return
        time.sleep(0.1)
    raise AssertionError("the stopped target never turned down")


def test_stopped_component_gives_target_down(tmp_path: Path) -> None:
    with fake_exporters((Component.WATCH,)) as exporters:
        settings = PrometheusSettings(workdir=tmp_path, scrape_interval=1.0)
        with start_prometheus(static_jobs(exporters), settings) as prometheus:
            client = PromClient(prometheus.url)
            wait_targets_up(client, expected=1, timeout=15)
            wait_for_samples(client, "pod_events_total", 3, timeout=15)
            exporters[Component.WATCH].stop()
            _wait_down(client)
            client.close()
            report = verify(VerifySettings(prometheus.url, dashboard=DASHBOARD, range_seconds=60))
    verdicts = {p.title: (p.status, p.reason) for p in report.panels}
    assert verdicts == {
        "Cluster health": ("empty", "target_down"),
        "Pod events": ("empty", "target_down"),
        "Misspelt": ("empty", "metric_missing"),
    }
    by_title = {p.title: p.detail for p in report.panels}
    assert "job=kube-devops-watch" in by_title["Cluster health"]
    assert "is down" in by_title["Cluster health"]
    assert "did you mean pods_tracked_total" in by_title["Misspelt"]
    assert "targets down: job=kube-devops-watch" in by_title["Misspelt"]
    assert report.to_json()["targets"][0]["health"] == "down"
