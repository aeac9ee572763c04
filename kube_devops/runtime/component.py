"""One way to run a component: ``run_component(settings, assemble)``.

Public API:

- ``Kit`` — what a component is handed: ``settings``, ``identity`` (the configured one, else
  ``unique_identity()``), ``registry`` (``settings.registry``), ``leadership`` (the leader gate,
  ``runtime.leadership.Leadership``) and ``client`` (the adapter's ``KubeClient``, connected on
  first use, so a component fed without a cluster never needs one), and the one readiness rule
  ``ready_when(synced)``: ready while ``synced()`` holds and the API server has not gone
  unanswered (requests failing) for ``settings.readiness_grace`` seconds.
- ``Parts`` — what a component hands back: ``ready`` (``/readyz``), ``routes`` (extra HTTP
  routes), ``tasks`` (run on every replica), ``lead`` (run only while this replica leads) and
  ``stand_by`` (called when it stops leading, or finds another replica leading).
- ``await run_component(settings, assemble, *, stop=None, on_listening=None) -> int`` — builds
  the kit, calls ``assemble(kit)``, serves the app (HTTPS with certificate reload when
  ``settings.serve.tls`` is set) and runs the tasks and the leader gate through
  ``runtime.runner.serve`` until SIGTERM/SIGINT or ``stop``; then drains the client's requests
  still in flight (``settings.cluster.drain_timeout``) and closes it. Returns the exit code.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from aiohttp import web

from kube_devops.kube.client import KubeClient
from kube_devops.kube.lease_record import unique_identity
from kube_devops.runtime.app import Readiness, create_app
from kube_devops.runtime.leadership import Leadership, Work
from kube_devops.runtime.runner import BackgroundTask, serve
from kube_devops.runtime.settings import ComponentSettings
from kube_devops.runtime.tls import CertReloader, server_context

log = logging.getLogger(__name__)


class Kit:
    """The shared parts a component is assembled from (see the module docstring)."""

    def __init__(self, settings: ComponentSettings) -> None:
        self.settings = settings
        self.identity = settings.lease.identity or unique_identity()
        self.registry = settings.registry
        client = self.client if settings.lease.enabled else None
        self.leadership = Leadership(settings.lease, self.identity, client)

    @cached_property
    def client(self) -> KubeClient:
        """The API client (built on first use; ``ConfigError`` when there is no cluster)."""
        cluster = self.settings.cluster
        return KubeClient.from_config(cluster.config, request_timeout=cluster.request_timeout)

    def ready_when(self, synced: Readiness) -> Readiness:
        """The readiness rule every component follows: ``synced()`` holds and the API server
        has not gone unanswered for ``settings.readiness_grace`` seconds (``ApiContact``)."""
        grace = self.settings.readiness_grace

        def ready() -> bool:
            if not synced():
                return False
            return "client" not in self.__dict__ or self.client.contact.unanswered_for() < grace

        return ready

    async def aclose(self) -> None:
        """Drain and close the client, if one was built."""
        if "client" in self.__dict__:
            await self.client.aclose(self.settings.cluster.drain_timeout)


@dataclass(frozen=True)
class Parts:
    """What a component contributes (see the module docstring)."""

    ready: Readiness
    """``/readyz`` is 200 while this returns True."""
    routes: Sequence[web.RouteDef] = ()
    """The component's own HTTP routes (the webhook's ``POST /validate``)."""
    tasks: Sequence[BackgroundTask] = ()
    """Background work of every replica."""
    lead: Work | None = None
    """Work of the leader only: started on each leadership term, cancelled when it ends."""
    stand_by: Callable[[], None] | None = None
    """Called when this replica stops leading or finds another replica leading."""


async def run_component(
    settings: ComponentSettings,
    assemble: Callable[[Kit], Parts],
    *,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> int:
    """Assemble and serve one component until stopped; the exit code."""
    kit = Kit(settings)
    try:
        parts = assemble(kit)
        tasks = [*parts.tasks, *_leader_task(kit, parts)]
        context = None
        if (tls := settings.serve.tls) is not None:
            context = server_context(tls.cert_file, tls.key_file)
            reloader = CertReloader(context, tls.cert_file, tls.key_file, tls.check_interval)
            tasks.append(reloader.run)
        app = create_app(kit.registry, parts.ready, parts.routes)
        log.info("component starting", extra={"identity": kit.identity})
        return await serve(
            app, settings.serve, tasks, ssl_context=context, stop=stop, on_listening=on_listening
        )
    finally:
        await kit.aclose()


def _leader_task(kit: Kit, parts: Parts) -> list[BackgroundTask]:
    if kit.leadership.elector is None and parts.lead is None:
        return []  # nothing to elect, nothing to lead

    async def lead() -> None:
        await kit.leadership.run(parts.lead, parts.stand_by)

    return [lead]
