"""Leader election around the operator: only the Lease holder reconciles and enforces.

``run_with_leadership`` runs a ``LeaderElector`` on ``settings.lease_namespace/lease_name``; on
gaining the Lease it starts ``operator.lead()``, on losing it (renewal failed) it cancels that at
once and stands by. A replica that has not led for two acquisition periods reports ready as a
standby. On exit the reconcile work stops first, then the Lease is released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from kube_devops.kube.client import KubeClient
from kube_devops.kube.leader import LeaderElector, LeaseSettings

from .operator import ReconcileOperator
from .settings import ReconcileSettings

log = logging.getLogger(__name__)

#: Seconds between acquisition attempts while standing by.
RETRY_PERIOD = 1.0


async def run_with_leadership(
    operator: ReconcileOperator, client: KubeClient, settings: ReconcileSettings, identity: str
) -> None:
    """Reconcile while this replica holds the Lease; stand by otherwise. Runs until cancelled."""
    lease = LeaseSettings(
        namespace=settings.lease_namespace,
        name=settings.lease_name,
        identity=identity,
        lease_duration=settings.lease_duration,
        renew_period=settings.renew_interval,
        retry_period=RETRY_PERIOD,
    )
    term = _Term(operator)
    elector = LeaderElector(client, lease, on_started=term.start, on_stopped=term.stop)
    election = asyncio.create_task(elector.run())
    try:
        await _supervise(election, term, elector)
    finally:
        await term.cancel()
        election.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await election


async def _supervise(election: asyncio.Task[None], term: _Term, elector: LeaderElector) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        await asyncio.sleep(0.1)
        if election.done():
            election.result()  # re-raise what ended the election
            return
        term.check()
        if not elector.is_leader and loop.time() - started > 2 * RETRY_PERIOD:
            term.operator.standby = True


class _Term:
    """The reconcile task of the current leadership term, if any."""

    def __init__(self, operator: ReconcileOperator) -> None:
        self.operator = operator
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self.operator.lead())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.operator.stand_by()
        log.info("standing by: another replica may reconcile")

    def check(self) -> None:
        """Raise when the operator died on its own (not cancelled)."""
        if self.task is not None and self.task.done() and not self.task.cancelled():
            self.task.result()
            raise RuntimeError("the reconcile operator stopped unexpectedly")

    async def cancel(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
