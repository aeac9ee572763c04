"""Assemble and run the reconcile component: metrics, operator, leader-only reconciling.

``await run_reconcile(settings, *, stop=None, on_listening=None) -> int`` serves ``/healthz``,
``/readyz`` and ``/metrics`` on ``settings.serve`` and reconciles while this replica holds the
Lease ``settings.lease`` (``runtime.run_component`` owns the client, identity, registry and the
leader gate). ``/readyz`` follows the kit's rule (``Kit.ready_when``): the operator's own
readiness (first full cycle, or standing by) and an API server answering within
``settings.readiness_grace`` seconds. Returns the exit code (0 after SIGTERM/SIGINT or
``stop``; 1 when the port cannot be bound or the operator fails).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from kube_devops.runtime.component import Kit, Parts, run_component

from .metrics import ReconcileMetrics
from .operator import ReconcileOperator
from .settings import ReconcileSettings


async def run_reconcile(
    settings: ReconcileSettings,
    *,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> int:
    """Run the operator until stopped (see the module docstring)."""

    def assemble(kit: Kit) -> Parts:
        metrics = ReconcileMetrics.build(kit.registry)
        operator = ReconcileOperator(settings, kit.client, metrics, kit.identity)
        ready = kit.ready_when(operator.ready)
        return Parts(ready=ready, lead=operator.lead, stand_by=operator.stand_by)

    return await run_component(settings, assemble, stop=stop, on_listening=on_listening)
