"""Start and stop the whole sandbox: Kubernetes API (emulated or real), components, Prometheus,
traffic.

``Sandbox(settings)`` first cleans what a killed sandbox left behind (:mod:`.stale`) and refuses
ports something already listens on (:func:`.ports.check_free`), before starting anything.
``start()`` returns a :class:`SandboxState` once every Prometheus target is up and holds enough
samples for ``$__rate_interval`` panels, and every process is alive and is the one listening on
its port; from then on a :class:`.supervisor.Supervisor` restarts any that dies and the state
file says so. ``stop()`` tears everything down and removes the temporary directory (0700, it
holds private keys). Use it as a context manager. Settings: :mod:`.settings`; the steps of the
start-up: :mod:`.startup`; what was started: :mod:`.parts`; supervision: :mod:`.supervision`.
"""

from __future__ import annotations

import atexit
import logging
import shutil
from collections.abc import Callable

from kube_devops.core.catalog import Component
from kube_devops.sandbox.apis import Api, ApiKind, api_kind, start_api
from kube_devops.sandbox.parts import Parts
from kube_devops.sandbox.preflight import confirm_own, preflight
from kube_devops.sandbox.processes import start_components, wait_healthy, webhook_certificates
from kube_devops.sandbox.prometheus import start_prometheus
from kube_devops.sandbox.real.binaries import find_binaries
from kube_devops.sandbox.settings import SandboxSettings
from kube_devops.sandbox.stale import make_workdir
from kube_devops.sandbox.startup import (
    Stopwatch,
    api_request,
    prometheus_settings,
    sandbox_seed,
    traffic_settings,
    wait_scraped,
)
from kube_devops.sandbox.state import SandboxState
from kube_devops.sandbox.supervision import Supervision
from kube_devops.sandbox.traffic import Traffic

Progress = Callable[[str], None]
log = logging.getLogger(__name__)


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
        self._parts = Parts()
        self._supervision: Supervision | None = None

    def start(self) -> SandboxState:
        """Start everything; on any failure, stop what started and re-raise."""
        atexit.register(self.stop)  # a notebook kernel that exits must not orphan processes
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> SandboxState:
        """The start-up, in order: API, components, Prometheus, traffic; then supervision."""
        s, ports, parts, mark = self.settings, self.ports, self._parts, Stopwatch()
        seed, certs = sandbox_seed(s, ports), webhook_certificates(self.workdir)
        request = api_request(s, self.kind, self.workdir, ports, seed, certs[0])
        api, stored = start_api(request, self.say)
        parts.api = api
        mark.timings.update(api.timings)
        mark("api_seeded")
        self.say(f"seeded {stored} objects; starting watch, reconcile and webhook")
        parts.components = start_components(ports.components, api.kubeconfig, self.workdir, certs)
        jobs = api.scrape_jobs()
        self.say(f"starting Prometheus with {len(jobs)} jobs rendered from ServiceMonitors")
        parts.prometheus = start_prometheus(jobs, prometheus_settings(s, self.workdir, ports))
        mark("prometheus_ready")
        wait_healthy(parts.components, s.start_timeout)
        mark("components_healthy")
        parts.traffic = Traffic(traffic_settings(api, ports, self.kind))
        parts.traffic.start()
        wait_scraped(parts.prometheus.url, len(jobs), s, mark, self.say)
        confirm_own(parts.owned(ports))
        return self._supervise(mark.timings)

    def _supervise(self, timings: dict[str, float]) -> SandboxState:
        """The ready state, kept current from now on by a supervisor of every process."""
        state = self._parts.ready_state(self.kind, timings)
        self._supervision = Supervision(state, self.settings.state_file)
        self._supervision.start(self._parts, self.ports, self.say, self.settings.backoff)
        return self._supervision.state

    @property
    def state(self) -> SandboxState | None:
        """The state once ready, with every process's status; ``None`` before."""
        return self._supervision.state if self._supervision is not None else None

    def stop(self) -> None:
        """Stop traffic, components, Prometheus and the API; remove the temporary directory;
        say so in one line when anything was running."""
        running = self._parts.running
        if self._supervision is not None:  # first: it must restart nothing that stops now
            self._supervision.stop()
        self._stop_parts()
        shutil.rmtree(self.workdir, ignore_errors=True)
        atexit.unregister(self.stop)
        if running:
            self.say(f"sandbox stopped; {self.workdir} removed")

    def _stop_parts(self) -> None:
        """Traffic, components, Prometheus, then the API (a failing API stop is logged)."""
        parts = self._parts
        if parts.traffic is not None:
            parts.traffic.stop()
        for proc in parts.components.values():
            proc.stop()
        if parts.prometheus is not None:
            parts.prometheus.stop()
        if parts.api is not None:
            try:
                parts.api.stop()
            except Exception as err:  # closed already, or a connection outlived the timeout
                log.warning("the sandbox API did not stop cleanly", extra={"error": repr(err)})
        self._parts = Parts()

    @property
    def api(self) -> Api | None:
        """The started API (a ``RealApi`` with ``--api real``: its ``plane`` runs the programs)."""
        return self._parts.api

    def pids(self) -> list[int]:
        """Process ids of the programs the sandbox runs (see :meth:`.parts.Parts.pids`)."""
        return self._parts.pids()

    def stop_component(self, component: Component) -> None:
        """Stop one component and leave it down (for tests of a target going down)."""
        if self._supervision is not None:
            self._supervision.hold(component.value)
        self._parts.components[component].stop()

    def __enter__(self) -> SandboxState:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
