"""Assemble and run the reconcile component: HTTP app, metrics, leader election, operator.

``await run_reconcile(settings, *, registry=None, stop=None, on_listening=None) -> int`` serves
``/healthz``, ``/readyz`` and ``/metrics`` on ``settings.port`` and reconciles while this replica
holds the Lease ``settings.lease_namespace/settings.lease_name``. Returns the exit code (0 after
SIGTERM/SIGINT or ``stop``; 1 when the port cannot be bound or the operator fails).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import load_api_client
from kube_devops.runtime.app import create_app
from kube_devops.runtime.runner import ServeSettings, serve

from .leadership import run_with_leadership
from .metrics import ReconcileMetrics
from .operator import ReconcileOperator
from .settings import ReconcileSettings


class _DrainingClient(KubeClient):
    """A ``KubeClient`` that can wait for requests still running in worker threads.

    Cancelling an awaiting task does not stop its worker thread; closing the connection pool
    under it would leak the socket. ``drain`` waits for those requests before ``close``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._in_flight = 0

    def request_sync(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self._in_flight += 1
        try:
            return super().request_sync(*args, **kwargs)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def drain(self, limit: float) -> None:
        """Wait up to ``limit`` seconds for in-flight requests to finish."""
        for _ in range(max(1, int(limit / 0.02))):
            if not self._in_flight:
                return
            await asyncio.sleep(0.02)


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
    metrics = ReconcileMetrics.build(registry)
    client = _DrainingClient(load_api_client(settings.cluster))
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
        await client.drain(5.0)
        client.close()
