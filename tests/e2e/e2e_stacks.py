"""The two stacks the end-to-end tests verify against, seen through one interface: fake exporters
scraped by a real Prometheus, and the real sandbox (components, emulated API, Prometheus)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pytest

from kube_devops.core.catalog import Component
from kube_devops.sandbox.launcher import Sandbox
from kube_devops.verify.client import PromClient
from tests.e2e.e2e_fake_exporter import FakeExporter
from tests.support.waiting import wait_until

#: Names of the stacks, as test ids.
FAKE, SANDBOX = "fake", "sandbox"


@dataclass
class FakeStack:
    """Fake exporters for the three components and the Prometheus scraping them every second."""

    prometheus_url: str
    exporters: dict[Component, FakeExporter]


@dataclass
class Stack:
    """What a test needs of either stack: where to query, what to scrape, how to stop a part."""

    name: str
    prometheus_url: str
    endpoints: Mapping[str, str]
    stop_component: Callable[[Component], None] = field(repr=False)


def fake_as_stack(fake: FakeStack) -> Stack:
    """The fake-exporter stack behind the common interface."""
    endpoints = {c.value: e.url for c, e in fake.exporters.items()}
    return Stack(FAKE, fake.prometheus_url, endpoints, lambda c: fake.exporters[c].stop())


def sandbox_as_stack(sandbox: Sandbox) -> Stack:
    """The running sandbox behind the common interface."""
    assert sandbox.state is not None, "the sandbox fixture starts it"
    state = sandbox.state
    return Stack(SANDBOX, state.prometheus_url, dict(state.endpoints), sandbox.stop_component)


def stack_named(request: pytest.FixtureRequest, name: str) -> Stack:
    """The stack called ``name``, from its session fixture (started on first use)."""
    if name == FAKE:
        return fake_as_stack(request.getfixturevalue("fake_stack"))
    return sandbox_as_stack(request.getfixturevalue("sandbox"))


def wait_target_down(prometheus_url: str, job: str, timeout: float = 10) -> None:
    """Wait until Prometheus reports the target of ``job`` down (after a failed scrape)."""
    client = PromClient(prometheus_url)
    try:
        wait_until(
            lambda: _health(client).get(job) == "down", timeout, f"target {job} down", every=0.1
        )
    finally:
        client.close()


def _health(client: PromClient) -> dict[str, str]:
    return {t["labels"].get("job"): t["health"] for t in client.targets()}
