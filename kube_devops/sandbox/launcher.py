"""Start and stop the whole sandbox: emulated API, components, Prometheus, traffic.

``Sandbox(settings).start()`` returns a :class:`SandboxState` once every Prometheus target is up
and holds enough samples for ``$__rate_interval`` panels; ``stop()`` tears everything down and
removes the temporary directory. Use it as a context manager.
"""

from __future__ import annotations

import atexit
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kube_devops.core.catalog import PORTS, Component
from kube_devops.core.promql import format_duration
from kube_devops.sandbox.api import EmulatedApi
from kube_devops.sandbox.processes import ComponentProcess, start_components, wait_healthy
from kube_devops.sandbox.seed import build_seed, default_samples_dir, load_samples
from kube_devops.sandbox.traffic import Traffic, TrafficSettings
from kube_devops.verify.client import PromClient
from kube_devops.verify.prometheus import (
    PrometheusSettings,
    RunningPrometheus,
    free_port,
    start_prometheus,
)
from kube_devops.verify.readiness import (
    moving_series,
    wait_for_movement,
    wait_for_samples,
    wait_targets_up,
)

Progress = Callable[[str], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    """How to run the sandbox."""

    base_port: int | None = None
    """Components on base, base+1, base+2; ``None`` = the contract ports 8080/9090/8443;
    0 = free ephemeral ports (tests, notebooks)."""
    scrape_interval: float = 1.0
    """Scrape interval written into the ServiceMonitors (seconds)."""
    min_samples: int = 3
    """Samples of every target Prometheus must hold before the sandbox counts as ready."""
    samples_dir: Path | None = None
    """The ``kube-tests`` folder to seed from; ``None`` = the one next to the package."""
    start_timeout: float = 30.0
    """Seconds allowed for each start-up phase."""


@dataclass(frozen=True, slots=True)
class SandboxState:
    """What a client needs: the state file contract plus start-up timings."""

    prometheus_url: str
    kubeconfig: str
    endpoints: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The state-file contract."""
        return {
            "prometheus_url": self.prometheus_url,
            "kubeconfig": self.kubeconfig,
            "endpoints": dict(self.endpoints),
        }

    def write(self, path: Path) -> Path:
        """Write the state file (JSON) and return its path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        return path

    @staticmethod
    def read(path: Path) -> SandboxState:
        """Read a state file written by :meth:`write`."""
        data = json.loads(Path(path).read_text())
        return SandboxState(data["prometheus_url"], data["kubeconfig"], dict(data["endpoints"]))

    def describe(self) -> str:
        """The state for a person, one URL per line."""
        lines = [f"Prometheus:  {self.prometheus_url}", f"kubeconfig:  {self.kubeconfig}"]
        lines += [f"{name + ':':<12} {url}" for name, url in self.endpoints.items()]
        return "\n".join(lines)


def component_ports(base_port: int | None) -> dict[Component, int]:
    """Ports of the three components for a ``base_port`` setting."""
    if base_port is None:
        return dict(PORTS)
    if base_port == 0:
        return {component: free_port() for component in Component}
    return {component: base_port + i for i, component in enumerate(Component)}


class Sandbox:
    """The running sandbox (see the module docstring)."""

    def __init__(self, settings: SandboxSettings, progress: Progress | None = None) -> None:
        self.settings = settings
        self.say = progress or (lambda _msg: None)
        self.workdir = Path(tempfile.mkdtemp(prefix="kube-devops-sandbox-"))
        self._emulator: EmulatedApi | None = None
        self._components: dict[Component, ComponentProcess] = {}
        self._prometheus: RunningPrometheus | None = None
        self._traffic: Traffic | None = None
        self.state: SandboxState | None = None

    def start(self) -> SandboxState:
        """Start everything; on any failure, stop what started and re-raise."""
        atexit.register(self.stop)  # a notebook kernel that exits must not orphan processes
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> SandboxState:
        s, started = self.settings, time.perf_counter()
        timings: dict[str, float] = {}
        mark = _marker(timings, started)
        ports = component_ports(s.base_port)
        samples = load_samples(s.samples_dir or default_samples_dir())
        self.say("starting the emulated Kubernetes API")
        self._emulator = EmulatedApi.start(self.workdir)
        seed = build_seed(samples, ports, format_duration(s.scrape_interval))
        stored = self._emulator.seed(seed)
        mark("api_seeded")
        self.say(f"seeded {stored} objects; starting watch, reconcile and webhook")
        self._components = start_components(ports, self._emulator.kubeconfig, self.workdir)
        jobs = self._emulator.scrape_jobs()
        self.say(f"starting Prometheus with {len(jobs)} jobs rendered from ServiceMonitors")
        prom = PrometheusSettings(self.workdir, s.scrape_interval, start_timeout=s.start_timeout)
        self._prometheus = start_prometheus(jobs, prom)
        mark("prometheus_ready")
        wait_healthy(self._components, s.start_timeout)
        mark("components_healthy")
        webhook = self._components[Component.WEBHOOK].url
        self._traffic = Traffic(TrafficSettings(self._emulator.kubeconfig, webhook))
        self._traffic.start()
        self._wait_scraped(len(jobs), mark)
        endpoints = {c.value: p.url for c, p in self._components.items()}
        url, kubeconfig = self._prometheus.url, str(self._emulator.kubeconfig)
        self.state = SandboxState(url, kubeconfig, endpoints, timings)
        return self.state

    def _wait_scraped(self, jobs: int, mark: Callable[[str], None]) -> None:
        assert self._prometheus is not None
        client = PromClient(self._prometheus.url)
        try:
            self.say("waiting until every target is up")
            wait_targets_up(client, jobs, self.settings.start_timeout)
            mark("targets_up")
            wait_for_samples(client, "up", self.settings.min_samples, self.settings.start_timeout)
            mark("samples_ready")
            self.say("waiting until every counter moves (traffic reaches every panel)")
            wait_for_movement(client, moving_series(), self.settings.start_timeout)
            mark("counters_moving")
        finally:
            client.close()

    def stop(self) -> None:
        """Stop traffic, components, Prometheus and the API; remove the temporary directory."""
        if self._traffic is not None:
            self._traffic.stop()
        for proc in self._components.values():
            proc.stop()
        if self._prometheus is not None:
            self._prometheus.stop()
        if self._emulator is not None:
            try:
                self._emulator.stop()
            except Exception as err:  # closed already, or a connection outlived the timeout
                log.warning("emulated API did not stop cleanly", extra={"error": repr(err)})
        self._traffic, self._components, self._prometheus, self._emulator = None, {}, None, None
        shutil.rmtree(self.workdir, ignore_errors=True)
        atexit.unregister(self.stop)

    def stop_component(self, component: Component) -> None:
        """Stop one component (for tests of a target going down)."""
        self._components[component].stop()

    def __enter__(self) -> SandboxState:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _marker(timings: dict[str, float], started: float) -> Callable[[str], None]:
    def mark(name: str) -> None:
        timings[name] = round(time.perf_counter() - started, 3)

    return mark
