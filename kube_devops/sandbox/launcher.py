"""Start and stop the whole sandbox: Kubernetes API (emulated or real), components, Prometheus,
traffic.

``Sandbox(settings)`` first cleans what a killed sandbox left behind (:mod:`.stale`) and refuses
ports something already listens on (:func:`.ports.check_free`), before starting anything.
``start()`` returns a :class:`SandboxState` once every Prometheus target is up and holds enough
samples for ``$__rate_interval`` panels, and every process is alive and is the one listening on
its port; from then on a :class:`.supervisor.Supervisor` restarts any that dies and the state
file says so. ``stop()`` tears everything down and removes the temporary directory (0700, it
holds private keys). Use it as a context manager.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kube_devops.core.catalog import Component
from kube_devops.core.promql import format_duration
from kube_devops.sandbox.apis import Api, ApiKind, ApiRequest, api_kind, start_api
from kube_devops.sandbox.ports import sandbox_ports
from kube_devops.sandbox.preflight import confirm_own, preflight
from kube_devops.sandbox.processes import (
    ComponentProcess,
    start_components,
    wait_healthy,
    webhook_certificates,
)
from kube_devops.sandbox.prometheus import PrometheusSettings, start_prometheus
from kube_devops.sandbox.prometheus_process import RunningPrometheus
from kube_devops.sandbox.real.binaries import find_binaries
from kube_devops.sandbox.seed import build_seed, default_samples_dir, load_samples
from kube_devops.sandbox.stale import make_workdir, owner
from kube_devops.sandbox.state import SandboxState
from kube_devops.sandbox.supervisor import Backoff, Child, Status, Supervisor, Watched
from kube_devops.sandbox.traffic import Traffic, TrafficSettings
from kube_devops.verify.client import PromClient
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
    """Every port from here on (:mod:`kube_devops.sandbox.ports`): components on base, base+1,
    base+2, Prometheus base+3, the API base+4 (real API: etcd base+5/6, kube-controller-manager
    base+7); ``None`` = the contract ports 8080/9090/8443 and free ports for the rest;
    0 = a block of free ports for all (tests, notebooks)."""
    scrape_interval: float = 1.0
    """Scrape interval written into the ServiceMonitors (seconds)."""
    min_samples: int = 3
    """Samples of every target Prometheus must hold before the sandbox counts as ready."""
    samples_dir: Path | None = None
    """The ``kube-tests`` folder to seed from; ``None`` = the one next to the package."""
    start_timeout: float = 30.0
    """Seconds allowed for each start-up phase."""
    api: str = "emulated"
    """``emulated`` (kmock emulator) or ``real`` (etcd, kube-apiserver, kube-controller-manager
    built by ``scripts/build-control-plane.sh``)."""
    binaries_dir: Path | None = None
    """Real API: folder of the built programs; ``None`` = the build script's cache."""
    state_file: Path | None = None
    """Write the state file here once ready, again whenever a process dies or comes back, and
    remove it at stop."""
    backoff: Backoff = dataclasses.field(default_factory=Backoff)
    """Restart delays of a process that died."""


def component_ports(base_port: int | None) -> dict[Component, int]:
    """Ports of the three components for a ``base_port`` setting."""
    return sandbox_ports(base_port).components


class Sandbox:
    """The running sandbox (see the module docstring)."""

    def __init__(self, settings: SandboxSettings, progress: Progress | None = None) -> None:
        self.settings = settings
        self.kind = api_kind(settings.api)
        if self.kind is ApiKind.REAL:
            find_binaries(settings.binaries_dir)  # NotBuiltError says how to build them
        self.say = progress or (lambda _msg: None)
        real = self.kind is ApiKind.REAL
        self.ports = preflight(settings.base_port, real, settings.state_file, self.say)
        self.workdir = make_workdir()
        self._api: Api | None = None
        self._components: dict[Component, ComponentProcess] = {}
        self._prometheus: RunningPrometheus | None = None
        self._traffic: Traffic | None = None
        self._supervisor: Supervisor | None = None
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
        placed = self.ports
        ports = placed.components
        seed = build_seed(
            load_samples(s.samples_dir or default_samples_dir()),
            ports,
            format_duration(s.scrape_interval),
        )
        certs = webhook_certificates(self.workdir)
        webhook_url = f"https://127.0.0.1:{ports[Component.WEBHOOK]}"
        request = ApiRequest(
            self.kind, self.workdir, seed, webhook_url,
            certs[0].with_name("ca.crt").read_bytes(), s.binaries_dir, s.start_timeout, placed,
        )  # fmt: skip
        self._api, stored = start_api(request, self.say)
        timings.update(self._api.timings)
        mark("api_seeded")
        self.say(f"seeded {stored} objects; starting watch, reconcile and webhook")
        self._components = start_components(ports, self._api.kubeconfig, self.workdir, certs)
        jobs = self._api.scrape_jobs()
        self.say(f"starting Prometheus with {len(jobs)} jobs rendered from ServiceMonitors")
        prom = PrometheusSettings(
            self.workdir, s.scrape_interval, placed.prometheus, start_timeout=s.start_timeout
        )
        self._prometheus = start_prometheus(jobs, prom)
        mark("prometheus_ready")
        wait_healthy(self._components, s.start_timeout)
        mark("components_healthy")
        real = self.kind is ApiKind.REAL
        traffic = TrafficSettings(self._api.admin_kubeconfig, webhook_url, controllers=real)
        self._traffic = Traffic(traffic)
        self._traffic.start()
        self._wait_scraped(len(jobs), mark)
        self._confirm_own()
        return self._ready_state(timings)

    def _children(self) -> dict[str, tuple[Child, int]]:
        assert self._prometheus is not None
        found: dict[str, tuple[Child, int]] = {
            c.value: (p, self.ports.components[c]) for c, p in self._components.items()
        }
        found["prometheus"] = (self._prometheus, self.ports.prometheus)
        return found

    def _programs(self) -> dict[str, Watched]:
        """The real control plane's programs (none on the emulated API)."""
        plane = getattr(self._api, "plane", None)
        return dict(plane.programs) if plane is not None else {}

    def _confirm_own(self) -> None:
        processes: dict[str, tuple[Watched, int | None]] = dict(self._children())
        processes |= {name: (program, None) for name, program in self._programs().items()}
        confirm_own(processes)

    def _ready_state(self, timings: dict[str, float]) -> SandboxState:
        assert self._api is not None
        assert self._prometheus is not None
        endpoints = {c.value: p.url for c, p in self._components.items()}
        kubeconfig = str(self._api.admin_kubeconfig)
        children = {name: child for name, (child, _port) in self._children().items()}
        self._supervisor = Supervisor(
            children, self._on_change, self.say, self.settings.backoff, self._programs()
        )
        fields: dict[str, Any] = {**self._api.state_fields(), "owner": owner()}
        self.state = SandboxState(
            self._prometheus.url, kubeconfig, endpoints, timings, api=self.kind.value, **fields
        )
        self._on_change(self._supervisor.status)
        self._supervisor.start()
        return self.state

    def _on_change(self, status: dict[str, Status]) -> None:
        """A process died or came back: the state (and its file) say so."""
        if self.state is None:
            return
        processes = {name: s.to_json() for name, s in status.items()}
        self.state = dataclasses.replace(self.state, processes=processes)
        if self.settings.state_file is not None:
            self.state.write(self.settings.state_file)

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
        """Stop traffic, components, Prometheus and the API; remove the temporary directory;
        say so in one line when anything was running."""
        running = self._api is not None or bool(self._components)
        if self._supervisor is not None:
            self._supervisor.stop()
            self._supervisor = None
        if self.state is not None and self.settings.state_file is not None:
            self.settings.state_file.unlink(missing_ok=True)
        if self._traffic is not None:
            self._traffic.stop()
        for proc in self._components.values():
            proc.stop()
        if self._prometheus is not None:
            self._prometheus.stop()
        if self._api is not None:
            try:
                self._api.stop()
            except Exception as err:  # closed already, or a connection outlived the timeout
                log.warning("the sandbox API did not stop cleanly", extra={"error": repr(err)})
        self._traffic, self._components, self._prometheus, self._api = None, {}, None, None
        shutil.rmtree(self.workdir, ignore_errors=True)
        atexit.unregister(self.stop)
        if running:
            self.say(f"sandbox stopped; {self.workdir} removed")

    @property
    def api(self) -> Api | None:
        """The started API (a ``RealApi`` with ``--api real``: its ``plane`` runs the programs)."""
        return self._api

    def pids(self) -> list[int]:
        """Process ids of the programs the sandbox runs (components, Prometheus, and with the
        real API etcd, kube-apiserver, kube-controller-manager)."""
        found = [proc.process.pid for proc in self._components.values()]
        if self._prometheus is not None:
            found.append(self._prometheus.process.pid)
        plane = getattr(self._api, "plane", None)
        if plane is not None:
            found += [program.process.pid for program in plane.programs.values()]
        return found

    def stop_component(self, component: Component) -> None:
        """Stop one component and leave it down (for tests of a target going down)."""
        if self._supervisor is not None:
            self._supervisor.hold(component.value)
        self._components[component].stop()

    def __enter__(self) -> SandboxState:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _marker(timings: dict[str, float], started: float) -> Callable[[str], None]:
    def mark(name: str) -> None:
        timings[name] = round(time.perf_counter() - started, 3)

    return mark
