"""Leader election on a ``coordination.k8s.io/v1`` Lease, one unique identity per replica.

Public API:

- ``LeaseSettings`` — ``namespace``, ``name``, ``identity`` (default ``unique_identity()``:
  host, pid and a random suffix), ``lease_duration`` (s), ``renew_period`` (default a third of
  the duration), ``retry_period`` (how often a follower tries to acquire).
- ``LeaderElector(client, settings, on_started=None, on_stopped=None, *, clock, rng)`` with
  ``await run()`` (until cancelled, or ``DuplicateIdentityError``), ``is_leader`` and ``holder``
  (the holder identity last read from the Lease; None when released or never read).
  ``on_started()`` / ``on_stopped()`` are called on every change of leadership (synchronous,
  quick).

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
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.times import parse_rfc3339, rfc3339
from kube_devops.kube.backoff import Backoff
from kube_devops.kube.client import JsonDict, KubeClient
from kube_devops.kube.errors import Conflict, FatalError, KubeError, NotFound
from kube_devops.kube.resources import LEASES

log = logging.getLogger(__name__)

#: Seconds a leader waits for the API server to accept the release of its Lease at shutdown.
RELEASE_TIMEOUT = 1.0
#: How many of our own latest ``renewTime`` values are remembered to recognise our own writes.
_OWN_WRITES = 8


class DuplicateIdentityError(FatalError):
    """Another replica renews the Lease under this replica's identity."""


def unique_identity() -> str:
    """``<host>-<pid>-<random>``: unique per replica, readable in ``kubectl get lease``."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class LeaseSettings:
    """Which Lease to hold and how."""

    namespace: str = "kube-devops"
    """Namespace of the Lease."""
    name: str = "kube-devops-leader"
    """Name of the Lease (one per component)."""
    identity: str = field(default_factory=unique_identity)
    """This replica's holder identity; must differ between replicas."""
    lease_duration: float = 15.0
    """Seconds a lease stays valid without renewal."""
    renew_period: float | None = None
    """Seconds between renewals; None means a third of ``lease_duration``."""
    retry_period: float | None = None
    """Seconds between acquisition attempts while following; None means
    ``min(1.0, renew period / 2)``."""

    @property
    def renew_every(self) -> float:
        """The effective renew period."""
        return self.renew_period if self.renew_period else self.lease_duration / 3

    @property
    def retry_every(self) -> float:
        """The effective retry period of a follower."""
        return self.retry_period if self.retry_period else min(1.0, self.renew_every / 2)


def _parse_time(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_rfc3339(value).timestamp()
    except ValueError:
        return None


class LeaderElector:
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
        self.client, self.settings = client, settings
        self._on_started, self._on_stopped = on_started, on_stopped
        self._clock = clock
        cap = max(settings.retry_every, settings.renew_every)
        self._backoff = Backoff(settings.retry_every, cap, rng)
        self._written: deque[str] = deque(maxlen=_OWN_WRITES)
        self._foreign: Any = None
        self.is_leader = False
        self.holder: str | None = None
        """The holder identity last seen on the Lease (ours while we hold it)."""
        self._lease: JsonDict | None = None
        self._observed: tuple[Any, float] | None = None

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

    # -- acquisition ---------------------------------------------------------------------------

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
        return self._expired(spec)

    def _own_identity(self, spec: JsonDict) -> bool:
        """A Lease under our identity: ours, expired (a previous run), else waited out — and a
        duplicate identity when someone renews it."""
        renewed = spec.get("renewTime")
        if renewed in self._written or self._expired(spec):
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

    def _duplicate(self) -> None:
        message = (
            f"another replica renews the lease {self.settings.name!r} under this replica's "
            f"identity {self.settings.identity!r}; give every replica a unique --identity "
            "(or leave it unset for a generated one)"
        )
        log.error(message, extra={"lease": self.settings.name, **self._who()})
        self._step_down("duplicate identity")
        raise DuplicateIdentityError(message)

    def _expired(self, spec: JsonDict) -> bool:
        holder = spec.get("holderIdentity")
        duration = float(spec.get("leaseDurationSeconds") or self.settings.lease_duration)
        record = (holder, spec.get("renewTime"))
        now = time.monotonic()
        if self._observed is None or self._observed[0] != record:
            self._observed = (record, now)
        renewed = _parse_time(spec.get("renewTime"))
        stale_remote = renewed is None or self._clock() - renewed > duration
        stale_local = now - self._observed[1] > duration
        return stale_remote or stale_local

    async def _create(self) -> bool:
        now = rfc3339(self._clock(), digits=6)
        body: JsonDict = {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": self.settings.name, "namespace": self.settings.namespace},
            "spec": self._spec(now, now, transitions=0),
        }
        self._written.append(now)
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

    async def _write(self, lease: JsonDict, *, acquire: bool) -> KubeError | TimeoutError | None:
        """Replace the Lease with our record; the failure, or None when written."""
        spec = lease.get("spec") or {}
        now = rfc3339(self._clock(), digits=6)
        transitions = int(spec.get("leaseTransitions") or 0)
        if acquire and spec.get("holderIdentity") != self.settings.identity:
            transitions += 1
        acquired = now if acquire else spec.get("acquireTime") or now
        body = {**lease, "spec": self._spec(acquired, now, transitions)}
        self._written.append(now)
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for loses a cancellation that
            # lands as the inner call completes, and the elector would then never stop.
            async with asyncio.timeout(self.settings.renew_every):
                self._lease = await self.client.replace(LEASES, body, self.settings.namespace)
        except (KubeError, TimeoutError) as err:
            level = logging.ERROR if self.is_leader else logging.INFO
            log.log(level, "lease update failed", extra=self._extra(err))
            return err
        if acquire:
            self._become_leader()
        return None

    def _spec(self, acquired: str, renewed: str, transitions: int) -> JsonDict:
        return {
            "holderIdentity": self.settings.identity,
            "leaseDurationSeconds": max(1, round(self.settings.lease_duration)),
            "acquireTime": acquired,
            "renewTime": renewed,
            "leaseTransitions": transitions,
        }

    # -- leadership ----------------------------------------------------------------------------

    async def _renew(self) -> None:
        if self._lease is not None:
            failure = await self._write(self._lease, acquire=False)
            if failure is None:
                return
            if isinstance(failure, Conflict):
                await self._check_duplicate()
        self._step_down("renewal failed")

    async def _check_duplicate(self) -> None:
        """After a lost renewal: a record under our identity that we did not write is a
        duplicate identity (raises ``DuplicateIdentityError``)."""
        try:
            lease = await self.client.get(LEASES, self.settings.name, self.settings.namespace)
        except KubeError:
            return
        spec = lease.get("spec") or {}
        ours = spec.get("holderIdentity") == self.settings.identity
        if ours and spec.get("renewTime") not in self._written:
            self._duplicate()

    def _become_leader(self) -> None:
        self.is_leader = True
        self.holder = self.settings.identity
        log.info("became leader", extra={"lease": self.settings.name, **self._who()})
        if self._on_started is not None:
            self._on_started()

    def _step_down(self, why: str) -> None:
        if not self.is_leader:
            return
        self.is_leader = False
        self._lease = None
        log.warning("stepped down", extra={"lease": self.settings.name, "why": why, **self._who()})
        if self._on_stopped is not None:
            self._on_stopped()

    async def _release(self) -> None:
        lease, self._lease = self._lease, None
        self._step_down("shutting down")
        if lease is None:
            return
        spec = {**(lease.get("spec") or {}), "holderIdentity": None, "leaseDurationSeconds": 1}
        with contextlib.suppress(KubeError, TimeoutError):
            async with asyncio.timeout(RELEASE_TIMEOUT):
                await self.client.replace(LEASES, {**lease, "spec": spec}, self.settings.namespace)
            log.info("lease released", extra={"lease": self.settings.name, **self._who()})

    def _who(self) -> dict[str, str]:
        return {"identity": self.settings.identity}

    def _extra(self, err: Exception) -> dict[str, Any]:
        return {"lease": self.settings.name, "error": str(err), **self._who()}
