"""The watch controller process: list+watch pods, keep scores, serve :8080, elect a leader.

Public API: ``WatchControllerSettings`` (a ``runtime.settings.ComponentSettings``) and
``await run_watch(settings, stop=None, on_listening=None) -> int`` (the exit code;
``on_listening`` receives the bound port), assembled and run by ``runtime.run_component``.
Every replica watches pods and keeps the state warm (so a new leader exports exact scores at
once) and serves ``/healthz``, ``/readyz`` and ``/metrics``; only the Lease holder exports the
governance series (and the last holder, with their age, while it sees no other leader).
``/readyz`` follows the kit's rule (``Kit.ready_when``): 200 once the first list is processed,
503 while the API server has gone unanswered for ``readiness_grace`` seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from kube_devops.components.watch.exporter import WatchMetrics, register_governance
from kube_devops.components.watch.state import ClusterState
from kube_devops.core.catalog import LEASE_NAMES, PORTS, Component
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.kube.resources import PODS
from kube_devops.kube.watch import Watcher, WatchSettings
from kube_devops.runtime.component import Kit, Parts, run_component
from kube_devops.runtime.settings import ComponentSettings, LeaseSettings, ServeSettings

#: The watch controller's Lease.
WATCH_LEASE = LeaseSettings(name=LEASE_NAMES[Component.WATCH])


@dataclass(frozen=True, kw_only=True)
class WatchControllerSettings(ComponentSettings):
    """Everything the watch controller needs; built by the CLI."""

    serve: ServeSettings = field(default_factory=lambda: ServeSettings(port=PORTS[Component.WATCH]))
    """HTTP listener for probes and metrics."""
    lease: LeaseSettings = WATCH_LEASE
    """Leader election; ``enabled=False``: this process always exports (single replica)."""
    watch: WatchSettings = field(default_factory=WatchSettings)
    """List+watch timing (server-side timeout, backoff)."""
    system_namespaces: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES
    """Namespaces never scored."""
    pending_check_period: float = 5.0
    """Seconds between checks for Pending pods crossing their pending limit."""


class WatchController:
    """Wires state, watcher and the leader gate together."""

    def __init__(self, settings: WatchControllerSettings, kit: Kit) -> None:
        self.settings = settings
        self.leadership = kit.leadership
        events = WatchMetrics.build(kit.registry).events
        self.state = ClusterState(
            namespaces=settings.system_namespaces,
            on_event=lambda kind: events.labels(event=kind).inc(),
        )
        self.watcher = Watcher(kit.client, PODS, settings=settings.watch)
        exports = self.leadership.exports
        register_governance(kit.registry, self.state, exports, self.watcher.last_in_sync)

    def parts(self, kit: Kit) -> Parts:
        """What ``run_component`` serves and runs for the controller."""
        ready = kit.ready_when(self.synced)
        return Parts(ready=ready, tasks=[self.watch_pods, self.expire_pending])

    def synced(self) -> bool:
        """Whether the first list of pods has been processed."""
        return self.watcher.synced

    async def watch_pods(self) -> None:
        await self.watcher.run(self.state)

    async def expire_pending(self) -> None:
        while True:
            await asyncio.sleep(self.settings.pending_check_period)
            self.state.expire_pending()


async def run_watch(
    settings: WatchControllerSettings,
    *,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> int:
    """Run the controller until SIGTERM/SIGINT (or ``stop``); returns the exit code."""

    def assemble(kit: Kit) -> Parts:
        return WatchController(settings, kit).parts(kit)

    return await run_component(settings, assemble, stop=stop, on_listening=on_listening)
