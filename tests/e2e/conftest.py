"""Session fixtures for end-to-end tests: a real Prometheus scraping fake exporters, and one
sandbox shared by the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e_fake_exporter import FakeExporter, fake_exporters, static_jobs

from kube_devops.core.catalog import Component
from kube_devops.sandbox.launcher import Sandbox, SandboxSettings
from kube_devops.verify.client import PromClient
from kube_devops.verify.prometheus import PrometheusSettings, start_prometheus
from kube_devops.verify.readiness import wait_for_samples, wait_targets_up


@dataclass
class FakeStack:
    """Fake exporters for the three components and the Prometheus scraping them every second."""

    prometheus_url: str
    exporters: dict[Component, FakeExporter]


@pytest.fixture(scope="session")
def fake_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeStack]:
    """Started once per session; ready when every counter series has 6 samples (>= 5 s)."""
    workdir: Path = tmp_path_factory.mktemp("prometheus")
    with fake_exporters() as exporters:
        settings = PrometheusSettings(workdir=workdir, scrape_interval=1.0)
        with start_prometheus(static_jobs(exporters), settings) as prometheus:
            client = PromClient(prometheus.url)
            wait_targets_up(client, expected=3, timeout=15)
            wait_for_samples(client, "pod_events_total", 6, timeout=15)
            client.close()
            yield FakeStack(prometheus.url, exporters)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The real sandbox (emulated API, three component processes, Prometheus, traffic)."""
    running = Sandbox(SandboxSettings(base_port=0))
    running.start()
    yield running
    running.stop()
