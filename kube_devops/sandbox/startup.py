"""The steps of the sandbox's start-up that the launcher (:mod:`kube_devops.sandbox.launcher`)
runs in order: the seed (:func:`sandbox_seed`), what to ask of the API (:func:`api_request`), of
Prometheus (:func:`prometheus_settings`) and of the traffic (:func:`traffic_settings`), the wait
until Prometheus holds moving samples of every target (:func:`wait_scraped`), and the
:class:`Stopwatch` that times each phase.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kube_devops.core.catalog import Component
from kube_devops.core.promql import format_duration
from kube_devops.sandbox.apis import Api, ApiKind, ApiRequest
from kube_devops.sandbox.ports import SandboxPorts
from kube_devops.sandbox.prometheus import PrometheusSettings
from kube_devops.sandbox.seed import Seed, build_seed, default_samples_dir, load_samples
from kube_devops.sandbox.settings import SandboxSettings
from kube_devops.sandbox.traffic import TrafficSettings
from kube_devops.verify.client import PromClient
from kube_devops.verify.readiness import (
    moving_series,
    wait_for_movement,
    wait_for_samples,
    wait_targets_up,
)


class Stopwatch:
    """Seconds from the start-up's start to the end of each phase, by phase name; call it with
    the name of a phase that just ended."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        self.timings[name] = round(time.perf_counter() - self.started, 3)


def webhook_url(ports: SandboxPorts) -> str:
    """Where the sandbox's webhook answers."""
    return f"https://127.0.0.1:{ports.components[Component.WEBHOOK]}"


def sandbox_seed(s: SandboxSettings, ports: SandboxPorts) -> Seed:
    """The samples to seed the API with, and our objects pointing at the components' ports."""
    return build_seed(
        load_samples(s.samples_dir or default_samples_dir()),
        ports.components,
        format_duration(s.scrape_interval),
    )


def api_request(
    s: SandboxSettings, kind: ApiKind, workdir: Path, ports: SandboxPorts, seed: Seed, cert: Path
) -> ApiRequest:
    """The API to start with ``seed``, trusting the CA that signed the webhook's ``cert``."""
    return ApiRequest(
        kind, workdir, seed, webhook_url(ports),
        cert.with_name("ca.crt").read_bytes(), s.binaries_dir, s.start_timeout, ports,
    )  # fmt: skip


def prometheus_settings(
    s: SandboxSettings, workdir: Path, ports: SandboxPorts
) -> PrometheusSettings:
    """Prometheus in the sandbox's directory, on its port, scraping at its interval."""
    return PrometheusSettings(
        workdir, s.scrape_interval, ports.prometheus, start_timeout=s.start_timeout
    )


def traffic_settings(api: Api, ports: SandboxPorts, kind: ApiKind) -> TrafficSettings:
    """Traffic as an administrator, to our webhook; on the real API its controllers make the
    ReplicaSets and Pods of the Deployments it creates."""
    return TrafficSettings(
        api.admin_kubeconfig, webhook_url(ports), controllers=kind is ApiKind.REAL
    )


def wait_scraped(
    url: str, jobs: int, s: SandboxSettings, mark: Callable[[str], None], say: Callable[[str], None]
) -> None:
    """Return once every target is up, holds enough samples and its counters move."""
    client = PromClient(url)
    try:
        say("waiting until every target is up")
        wait_targets_up(client, jobs, s.start_timeout)
        mark("targets_up")
        wait_for_samples(client, "up", s.min_samples, s.start_timeout)
        mark("samples_ready")
        say("waiting until every counter moves (traffic reaches every panel)")
        wait_for_movement(client, moving_series(), s.start_timeout)
        mark("counters_moving")
    finally:
        client.close()
