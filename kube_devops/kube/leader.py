"""Leader election on a ``coordination.k8s.io/v1`` Lease, one unique identity per replica.

Public API:

- ``LeaderElector(client, settings, on_started=None, on_stopped=None, *, clock, rng)`` with
  ``await run()`` (until cancelled, or ``DuplicateIdentityError``), ``is_leader`` and ``holder``
  (the holder identity last read from the Lease; None when released or never read).
  ``on_started()`` / ``on_stopped()`` are called on every change of leadership (synchronous,
  quick). ``LeaseSettings``, ``unique_identity`` and ``DuplicateIdentityError`` live in
  ``kube_devops.kube.lease_record`` with the rules of the record; the leader's side (renew, step
  down, release) in ``kube_devops.kube.lease_holder``.

Protocol: a follower reads the Lease and takes it when it is missing (create), released (empty
holder) or expired — its ``renewTime`` is older than ``leaseDurationSeconds`` by the local clock,
or the record has not changed for that long since this replica first saw it. Every write is a
replace (PUT) carrying the ``resourceVersion`` just read, so two candidates never both win: the
loser gets 409 Conflict. The leader renews every ``renew_period`` the same way and steps down at
once when a renewal fails or does not finish within one renew period. On cancellation a leader
releases the Lease (empty holder, 1 s duration) so another replica can take over immediately.

A follower that cannot reach the API server backs off exponentially with jitter (from twice the
retry period up to the renew period) and logs the first failure and the recovery, not every
retry. Identities must be unique: a Lease held under our own identity is ours only when it
carries a ``renewTime`` we wrote; one we did not write is waited out until it expires (it may be
a previous run of this replica), and when it is renewed meanwhile, or a leader loses a renewal to
a record under its own identity, another replica uses the same identity: the elector logs an
error naming it, stops leading and raises ``DuplicateIdentityError`` (the component exits 1).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.kube.backoff import Backoff
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import KubeError, NotFound
from kube_devops.kube.lease_holder import LeaseHolder
from kube_devops.kube.lease_record import Expiry, LeaseSettings, new_lease
from kube_devops.kube.resources import LEASES

log = logging.getLogger(__name__)


class LeaderElector(LeaseHolder):
    """Acquire, renew and release one Lease (see the module docstring)."""

    def __init__(
        self,
        client: KubeClient,
        settings: LeaseSettings,
        on_started: Callable[[], None] | None = None,
        on_stopped: Callable[[], None] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(client, settings, on_started, on_stopped, clock)
        cap = max(settings.retry_every, settings.renew_every)
        self._backoff = Backoff(2 * settings.retry_every, cap, rng)  # first retry: twice
        self._expiry = Expiry(settings.lease_duration, clock)
        self._foreign: Any = None

    async def run(self) -> None:
        """Elect and lead until cancelled; releases the Lease on the way out."""
        try:
            while True:
                if self.is_leader:
                    await asyncio.sleep(self.settings.renew_every)
                    await self._renew()
                else:
                    delay = self._retry_delay(await self._try_acquire())
                    if not self.is_leader:
                        await asyncio.sleep(delay)
        finally:
            if self.is_leader:
                await asyncio.shield(self._release())

    async def _try_acquire(self) -> bool:
        """One attempt; False when the API server could not be reached (back off)."""
        try:
            lease = await self.client.get(LEASES, self.settings.name, self.settings.namespace)
        except NotFound:
            return await self._create()
        except KubeError as err:
            self._unreachable(err)
            return False
        if self._can_take(lease):
            failure = await self._write(lease, acquire=True)
            return failure is None or (isinstance(failure, KubeError) and not failure.transient)
        return True

    def _retry_delay(self, reached: bool) -> float:
        if not reached:
            return self._backoff.next()
        failures = self._backoff.reset()
        if failures:
            log.info("lease reachable again", extra={"failures": failures, **self._who()})
        return self.settings.retry_every

    def _unreachable(self, err: KubeError) -> None:
        """Log the first failure of a streak at warning, the others at debug (no flood)."""
        level = logging.DEBUG if self._backoff.failures else logging.WARNING
        log.log(level, "cannot read the lease; retrying with backoff", extra=self._extra(err))

    def _can_take(self, lease: JsonDict) -> bool:
        spec = lease.get("spec") or {}
        holder = spec.get("holderIdentity")
        self.holder = holder if isinstance(holder, str) and holder else None
        if not holder:
            return True
        if holder == self.settings.identity:
            return self._own_identity(spec)
        return self._expiry.expired(spec)

    def _own_identity(self, spec: JsonDict) -> bool:
        """A Lease under our identity: ours, expired (a previous run), else waited out — and a
        duplicate identity when someone renews it."""
        renewed = spec.get("renewTime")
        if renewed in self._written or self._expiry.expired(spec):
            return True
        if self._foreign is None:
            self._foreign = renewed
            log.warning(
                "the lease is held under this replica's identity; waiting for it to expire "
                "(a previous run of this replica, or another replica with the same --identity)",
                extra={"lease": self.settings.name, **self._who()},
            )
        elif renewed != self._foreign:
            self._duplicate()
        return False

    async def _create(self) -> bool:
        body = new_lease(self.settings, self._stamp())
        try:
            self._lease = await self.client.create(LEASES, body, self.settings.namespace)
        except KubeError as err:
            if err.transient:
                self._unreachable(err)
                return False
            log.info("lease creation lost", extra=self._extra(err))
            return True
        self._become_leader()
        return True
