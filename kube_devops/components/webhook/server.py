"""The webhook process: HTTPS app (``/validate``, probes, metrics), policy feed, cert reload.

Public API:

- ``WebhookSettings`` — everything ``kube-devops webhook serve`` decides (a
  ``runtime.settings.ComponentSettings``: ``serve`` carries the TLS files, ``lease`` is disabled:
  the webhook answers on every replica and elects no leader).
- ``build_app(cache, settings, registry) -> web.Application`` — the app alone (for in-process
  tests): ``POST /validate`` plus the runtime's ``/healthz``, ``/readyz`` (200 once the cache
  synced) and ``/metrics``.
- ``await run_webhook(settings, *, feed=None, stop=None, on_listening=None) -> int`` — serve
  HTTPS until SIGTERM/SIGINT or ``stop``; ``feed(cache)`` keeps the cache filled (default: a
  list+watch of every ``DevOpsPolicy`` through the component's API client, which
  ``runtime.run_component`` drains and closes at shutdown).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry

from kube_devops.components.webhook.cache import PolicyCache
from kube_devops.components.webhook.feed import watch_policies
from kube_devops.components.webhook.handler import BODY_LIMIT, ValidateHandler
from kube_devops.components.webhook.metrics import WebhookMetrics
from kube_devops.core.admission import AdmissionSettings
from kube_devops.core.catalog import PORTS, Component
from kube_devops.runtime.app import create_app
from kube_devops.runtime.component import Kit, Parts, run_component
from kube_devops.runtime.settings import (
    NO_ELECTION,
    ClusterSettings,
    ComponentSettings,
    LeaseSettings,
    ServeSettings,
    TlsSettings,
)

PolicyFeed = Callable[[PolicyCache], Coroutine[Any, Any, None]]

#: The webhook's client: shorter request timeout (its only requests are the policy list+watch).
WEBHOOK_CLUSTER = ClusterSettings(request_timeout=10.0)


@dataclass(frozen=True, kw_only=True)
class WebhookSettings(ComponentSettings):
    """How the webhook runs (``kube-devops webhook serve`` flags)."""

    serve: ServeSettings = field(
        default_factory=lambda: ServeSettings(port=PORTS[Component.WEBHOOK], tls=TlsSettings())
    )
    """HTTPS listener (8443) and the certificate files, reloaded when they change."""
    cluster: ClusterSettings = WEBHOOK_CLUSTER
    """Where the DevOpsPolicy objects are read from."""
    lease: LeaseSettings = NO_ELECTION
    """No leader election: every replica answers admission requests."""
    admission: AdmissionSettings = field(default_factory=AdmissionSettings)
    """Verdict settings: deny severity, fail-closed, system namespaces."""
    body_limit: int = BODY_LIMIT
    """Largest accepted AdmissionReview body, in bytes (larger: HTTP 413)."""


def _routes(
    cache: PolicyCache, settings: WebhookSettings, registry: CollectorRegistry
) -> list[web.RouteDef]:
    handler = ValidateHandler(
        cache.policies_for,
        settings.admission,
        WebhookMetrics.build(registry),
        body_limit=settings.body_limit,
    )
    return [web.post("/validate", handler.handle)]


def build_app(
    cache: PolicyCache, settings: WebhookSettings, registry: CollectorRegistry
) -> web.Application:
    """The webhook's aiohttp application on ``registry``."""
    return create_app(registry, cache.is_ready, _routes(cache, settings, registry))


async def run_webhook(
    settings: WebhookSettings,
    *,
    feed: PolicyFeed | None = None,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> int:
    """Serve until stopped; the exit code (raises ``TlsFilesError`` for unusable TLS files)."""

    def assemble(kit: Kit) -> Parts:
        cache = PolicyCache()
        fill = feed if feed is not None else _cluster_feed(kit)

        async def feeding() -> None:
            await fill(cache)

        routes = _routes(cache, settings, kit.registry)
        return Parts(ready=cache.is_ready, routes=routes, tasks=[feeding])

    return await run_component(settings, assemble, stop=stop, on_listening=on_listening)


def _cluster_feed(kit: Kit) -> PolicyFeed:
    client = kit.client

    async def fill(cache: PolicyCache) -> None:
        await watch_policies(cache, client)

    return fill
