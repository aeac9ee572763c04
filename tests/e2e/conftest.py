"""Session fixtures for end-to-end tests: a real Prometheus scraping fake exporters, one sandbox
shared by the whole session, and both seen as a ``Stack``. Tests marked ``stops_component``
stop part of a shared stack, so they are moved to the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.prometheus import PrometheusSettings, start_prometheus
from kube_devops.sandbox.settings import SandboxSettings
from kube_devops.verify.client import PromClient
from kube_devops.verify.readiness import wait_for_samples, wait_targets_up
from tests.e2e.e2e_fake_exporter import fake_exporters, static_jobs
from tests.e2e.e2e_stacks import FAKE, SANDBOX, FakeStack, Stack, stack_named

STOPS_COMPONENT = "stops_component"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{STOPS_COMPONENT}: stops part of a shared stack; runs after everything else"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker(STOPS_COMPONENT) is not None)


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
    """The real sandbox (emulated API, three component processes, Prometheus with 1 s scrapes,
    traffic)."""
    running = Sandbox(SandboxSettings(base_port=0))
    running.start()
    yield running
    running.stop()


@pytest.fixture(params=[FAKE, SANDBOX])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Each stack in turn, for tests whose body holds for both."""
    return stack_named(request, request.param)
