"""The reconcile operator: watches, timer and one worker, run while this replica leads.

While leading, four tasks run: a list+watch of DevOpsPolicies and one of pods (both feeding the
``Scheduler``), the ``--interval`` timer and a worker that reconciles due policies one at a time
(so two policies never patch the same workload concurrently). Failures are counted in
``devopspolicy_reconcile_errors_total`` and retried with backoff. Readiness: a leader is ready
after its first full cycle (at once when there are no policies); a standby replica is ready as
soon as it knows another replica leads.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from kube_devops.core.remediation_backoff import RejectionBook
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import KubeError
from kube_devops.kube.resources import DEVOPSPOLICIES, PODS
from kube_devops.kube.watch import Watcher, WatchSettings

from .cycle import PolicyReconciler
from .enforce import Enforcer
from .handlers import PodFeed, PolicyFeed
from .metrics import ReconcileMetrics
from .scheduler import Scheduler
from .settings import ReconcileSettings

log = logging.getLogger(__name__)


class ReconcileOperator:
    """Reconciles every DevOpsPolicy while ``lead()`` runs."""

    def __init__(
        self,
        settings: ReconcileSettings,
        client: KubeClient,
        metrics: ReconcileMetrics,
        identity: str,
    ) -> None:
        self.settings = settings
        self.client = client
        self.metrics = metrics
        self.identity = identity
        refusals = RejectionBook(base=settings.backoff_base, maximum=settings.backoff_max)
        enforcer = Enforcer(client, metrics, settings.field_manager, identity, refusals)
        self.reconciler = PolicyReconciler(
            client,
            metrics,
            enforcer,
            settings.field_manager,
            settings.protected_namespaces,
        )
        self.scheduler = self._new_scheduler()
        self.standby = False

    def ready(self) -> bool:
        """Readiness for /readyz (see the module docstring)."""
        return self.standby or self.scheduler.first_cycle_done

    async def lead(self) -> None:
        """Reconcile until cancelled (call while holding leadership)."""
        self.standby = False
        self.scheduler = scheduler = self._new_scheduler()
        watch = WatchSettings(timeout_seconds=max(1, int(self.settings.watch_timeout)))
        policies = Watcher(self.client, DEVOPSPOLICIES, None, watch)
        pods = Watcher(self.client, PODS, None, watch)
        log.info("leading: reconciling", extra={"identity": self.identity})
        async with asyncio.TaskGroup() as group:
            group.create_task(policies.run(PolicyFeed(scheduler, self.reconciler.forget)))
            group.create_task(pods.run(PodFeed(scheduler)))
            group.create_task(self._tick(scheduler))
            group.create_task(self._work(scheduler))

    def stand_by(self) -> None:
        """Another replica leads: drop our per-policy series and report ready."""
        for key in list(self.scheduler.policies):
            namespace, _, name = key.partition("/")
            self.reconciler.forget(namespace, name)
        self.scheduler = self._new_scheduler()
        self.standby = True
        log.info("standing by: another replica may reconcile")

    def _new_scheduler(self) -> Scheduler:
        s = self.settings
        return Scheduler(
            debounce=s.debounce, backoff_base=s.backoff_base, backoff_max=s.backoff_max
        )

    async def _tick(self, scheduler: Scheduler) -> None:
        while True:
            await asyncio.sleep(self.settings.interval)
            scheduler.tick()

    async def _work(self, scheduler: Scheduler) -> None:
        while True:
            key, obj = await scheduler.next_due()
            try:
                await self.reconciler.reconcile(obj)
            except Exception as err:  # keep reconciling the others; this one retries
                self._failed(scheduler, key, err)
            else:
                scheduler.succeeded(key)
            finally:
                scheduler.done(key)

    def _failed(self, scheduler: Scheduler, key: str, err: Exception) -> None:
        self.metrics.errors.inc()
        delay = scheduler.failed(key)
        extra: dict[str, Any] = {"policy": key, "error": str(err), "retry_in": round(delay, 3)}
        if isinstance(err, (KubeError, ValueError)):
            log.warning("reconcile failed", extra=extra)
        else:
            log.error("reconcile failed", extra=extra, exc_info=err)
