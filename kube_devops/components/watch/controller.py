"""The watch controller process: list+watch pods, keep scores, serve :8080, elect a leader.

Public API: ``WatchControllerSettings`` and ``await run_watch(settings, stop=None,
on_listening=None) -> int`` (the exit code; ``on_listening`` receives the bound port).
Every replica watches pods and keeps the state warm (so a new leader exports exact scores at
once) and serves ``/healthz``, ``/readyz`` and ``/metrics``; only the Lease holder exports the
governance series. ``/readyz`` is 200 once the first list is processed and 503 again while the
watch has been failing for longer than ``readiness_grace``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from kube_devops.components.watch.exporter import WatchMetrics, register_governance
from kube_devops.components.watch.state import ClusterState
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.leader import LeaderElector, LeaseSettings
from kube_devops.kube.resources import PODS
from kube_devops.kube.watch import Watcher, WatchSettings
from kube_devops.runtime.app import create_app
from kube_devops.runtime.runner import ServeSettings, serve

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchControllerSettings:
    """Everything the watch controller needs; built by the CLI."""

    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    """Where the API server is (kubeconfig, context, or in-cluster)."""
    serve: ServeSettings = field(default_factory=lambda: ServeSettings(port=8080))
    """HTTP listener for probes and metrics."""
    lease: LeaseSettings = field(default_factory=lambda: LeaseSettings(name="kube-devops-watch"))
    """Leader-election Lease (namespace, name, identity, timing)."""
    leader_election: bool = True
    """False: this process always exports (single replica, no Lease needed)."""
    watch: WatchSettings = field(default_factory=WatchSettings)
    """List+watch timing (server-side timeout, backoff)."""
    readiness_grace: float = 30.0
    """Seconds the watch may be failing before ``/readyz`` turns 503."""
    system_namespaces: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES
    """Namespaces never scored."""
    pending_check_period: float = 5.0
    """Seconds between checks for Pending pods crossing their pending limit."""


class WatchController:
    """Wires state, watcher, leader election and HTTP together."""

    def __init__(self, settings: WatchControllerSettings, client: KubeClient) -> None:
        self.settings = settings
        self.registry = CollectorRegistry()
        self.elector = LeaderElector(client, settings.lease) if settings.leader_election else None
        events = WatchMetrics.build(self.registry).events
        self.state = ClusterState(
            namespaces=settings.system_namespaces,
            on_event=lambda kind: events.labels(event=kind).inc(),
        )
        register_governance(self.registry, self.state, self.is_leader)
        self.watcher = Watcher(client, PODS, settings=settings.watch)

    def is_leader(self) -> bool:
        """Whether this replica exports governance series."""
        return self.elector is None or self.elector.is_leader

    def ready(self) -> bool:
        """First list processed, and the watch not failing for longer than the grace period."""
        if not self.watcher.synced:
            return False
        down = self.watcher.down_since
        return down is None or time.monotonic() - down < self.settings.readiness_grace

    async def watch_pods(self) -> None:
        await self.watcher.run(self.state)

    async def expire_pending(self) -> None:
        while True:
            await asyncio.sleep(self.settings.pending_check_period)
            self.state.expire_pending()

    async def lead(self) -> None:
        if self.elector is not None:
            await self.elector.run()


async def run_watch(
    settings: WatchControllerSettings,
    *,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> int:
    """Run the controller until SIGTERM/SIGINT (or ``stop``); returns the exit code."""
    client = KubeClient.from_config(settings.cluster)
    try:
        controller = WatchController(settings, client)
        app = create_app(controller.registry, controller.ready)
        tasks = [controller.watch_pods, controller.expire_pending, controller.lead]
        log.info("watch controller starting", extra={"api": client.host})
        return await serve(app, settings.serve, tasks, stop=stop, on_listening=on_listening)
    finally:
        client.close()
