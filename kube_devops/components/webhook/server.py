"""The webhook process: HTTPS app (``/validate``, probes, metrics), policy feed, cert reload.

Public API:

- ``WebhookSettings`` — everything ``kube-devops webhook serve`` decides.
- ``build_app(cache, settings, registry) -> web.Application`` — the app alone (for in-process
  tests): ``POST /validate`` plus the runtime's ``/healthz``, ``/readyz`` (200 once the cache
  synced) and ``/metrics``.
- ``await run_webhook(settings, *, feed=None, stop=None, on_listening=None) -> int`` — serve
  HTTPS until SIGTERM/SIGINT or ``stop``; ``feed(cache)`` keeps the cache filled (default: a
  list+watch of every ``DevOpsPolicy`` through the Kubernetes adapter).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry

from kube_devops.components.webhook.cache import PolicyCache
from kube_devops.components.webhook.feed import watch_policies
from kube_devops.components.webhook.handler import BODY_LIMIT, ValidateHandler
from kube_devops.components.webhook.metrics import WebhookMetrics
from kube_devops.core.admission import AdmissionSettings
from kube_devops.core.catalog import PORTS, Component
from kube_devops.kube.config import ClusterConfig
from kube_devops.runtime.app import create_app
from kube_devops.runtime.runner import ServeSettings, serve
from kube_devops.runtime.tls import CertReloader, server_context

log = logging.getLogger(__name__)

PolicyFeed = Callable[[PolicyCache], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class WebhookSettings:
    """How the webhook runs (``kube-devops webhook serve`` flags)."""

    host: str = "0.0.0.0"
    """Interface to listen on."""
    port: int = PORTS[Component.WEBHOOK]
    """HTTPS port (8443); 0 picks a free one."""
    tls_cert: Path = Path("tls.crt")
    """PEM certificate (chain) served; reloaded when the file changes."""
    tls_key: Path = Path("tls.key")
    """PEM private key of ``tls_cert``."""
    admission: AdmissionSettings = field(default_factory=AdmissionSettings)
    """Verdict settings: deny severity, fail-closed, system namespaces."""
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    """Where the DevOpsPolicy objects are read from."""
    body_limit: int = BODY_LIMIT
    """Largest accepted AdmissionReview body, in bytes (larger: HTTP 413)."""
    cert_check_interval: float = 2.0
    """Seconds between two checks of the certificate files for changes."""
    shutdown_timeout: float = 4.0
    """Seconds granted to in-flight requests after SIGTERM."""


def build_app(
    cache: PolicyCache, settings: WebhookSettings, registry: CollectorRegistry
) -> web.Application:
    """The webhook's aiohttp application on ``registry``."""
    metrics = WebhookMetrics.build(registry)
    handler = ValidateHandler(
        cache.policies_for, settings.admission, metrics, body_limit=settings.body_limit
    )
    return create_app(registry, cache.is_ready, [web.post("/validate", handler.handle)])


async def run_webhook(
    settings: WebhookSettings,
    *,
    feed: PolicyFeed | None = None,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
    registry: CollectorRegistry | None = None,
) -> int:
    """Serve until stopped; returns the exit code (1 when the TLS files are unusable)."""
    context = server_context(settings.tls_cert, settings.tls_key)
    reloader = CertReloader(
        context, settings.tls_cert, settings.tls_key, settings.cert_check_interval
    )
    cache = PolicyCache()
    app = build_app(cache, settings, registry or CollectorRegistry())
    if feed is None:
        cluster = settings.cluster

        async def feed_default(target: PolicyCache) -> None:
            await watch_policies(target, cluster)

        feed = feed_default
    policy_feed = feed

    async def feeding() -> None:
        await policy_feed(cache)

    serve_settings = ServeSettings(
        settings.host, settings.port, context, shutdown_timeout=settings.shutdown_timeout
    )
    tasks = (reloader.run, feeding)
    return await serve(app, serve_settings, tasks, stop=stop, on_listening=on_listening)
