"""Assemble and run the reconcile component: HTTP app, metrics, leader election, operator.

``await run_reconcile(settings, *, registry=None, stop=None, on_listening=None) -> int`` serves
``/healthz``, ``/readyz`` and ``/metrics`` on ``settings.port`` and reconciles while this replica
holds the Lease ``settings.lease_namespace/settings.lease_name``. Returns the exit code (0 after
SIGTERM/SIGINT or ``stop``; 1 when the port cannot be bound or the operator fails).
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Callable

from prometheus_client import CollectorRegistry

from kube_devops.core.catalog import Component
from kube_devops.kube.client import KubeClient
from kube_devops.runtime.app import create_app
from kube_devops.runtime.metrics import build_metrics
from kube_devops.runtime.runner import ServeSettings, serve

from .leadership import run_with_leadership
from .operator import ReconcileOperator
from .settings import ReconcileSettings


def replica_identity(settings: ReconcileSettings) -> str:
    """The Lease holder identity: configured, else ``<hostname>-<random>`` (unique per replica)."""
    return settings.identity or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


async def run_reconcile(
    settings: ReconcileSettings,
    *,
    registry: CollectorRegistry | None = None,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> int:
    """Run the operator until stopped (see the module docstring)."""
    registry = registry if registry is not None else CollectorRegistry()
    metrics = build_metrics(Component.RECONCILE, registry)
    client = KubeClient.from_config(settings.cluster)
    identity = replica_identity(settings)
    operator = ReconcileOperator(settings, client, metrics, identity)
    app = create_app(registry, operator.ready)

    async def main() -> None:
        await run_with_leadership(operator, client, settings, identity)

    try:
        return await serve(
            app,
            ServeSettings(host=settings.host, port=settings.port),
            [main],
            stop=stop,
            on_listening=on_listening,
        )
    finally:
        client.close()
