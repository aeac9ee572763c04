"""Leader election on a ``coordination.k8s.io/v1`` Lease, one unique identity per replica.

Public API:

- ``LeaseSettings`` — ``namespace``, ``name``, ``identity`` (default ``unique_identity()``:
  host, pid and a random suffix), ``lease_duration`` (s), ``renew_period`` (default a third of
  the duration), ``retry_period`` (how often a follower tries to acquire).
- ``LeaderElector(client, settings, on_started=None, on_stopped=None)`` with ``await run()``
  (until cancelled), ``is_leader`` and ``holder`` (the holder identity last read from the Lease;
  None when released or never read). ``on_started()`` / ``on_stopped()`` are called on every
  change of leadership (synchronous, quick).

Protocol: a follower reads the Lease and takes it when it is missing (create), released (empty
holder) or expired — its ``renewTime`` is older than ``leaseDurationSeconds`` by the local clock,
or the record has not changed for that long since this replica first saw it. Every write is a
replace (PUT) carrying the ``resourceVersion`` just read, so two candidates never both win: the
loser gets 409 Conflict. The leader renews every ``renew_period`` the same way and steps down at
once when a renewal fails or does not finish within one renew period. On cancellation a leader
releases the Lease (empty holder, 1 s duration) so another replica can take over immediately.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.times import parse_rfc3339, rfc3339
from kube_devops.kube.client import JsonDict, KubeClient
from kube_devops.kube.errors import KubeError, NotFound
from kube_devops.kube.resources import LEASES

log = logging.getLogger(__name__)

#: Seconds a leader waits for the API server to accept the release of its Lease at shutdown.
RELEASE_TIMEOUT = 1.0


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
    ) -> None:
        self.client, self.settings = client, settings
        self._on_started, self._on_stopped = on_started, on_stopped
        self._clock = clock
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
                    await self._try_acquire()
                    if not self.is_leader:
                        await asyncio.sleep(self.settings.retry_every)
        finally:
            if self.is_leader:
                await asyncio.shield(self._release())

    # -- acquisition ---------------------------------------------------------------------------

    async def _try_acquire(self) -> None:
        try:
            lease = await self.client.get(LEASES, self.settings.name, self.settings.namespace)
        except NotFound:
            await self._create()
            return
        except KubeError as err:
            log.warning("cannot read the lease", extra=self._extra(err))
            return
        if self._can_take(lease):
            await self._write(lease, acquire=True)

    def _can_take(self, lease: JsonDict) -> bool:
        spec = lease.get("spec") or {}
        holder = spec.get("holderIdentity")
        self.holder = holder if isinstance(holder, str) and holder else None
        if not holder or holder == self.settings.identity:
            return True
        duration = float(spec.get("leaseDurationSeconds") or self.settings.lease_duration)
        record = (holder, spec.get("renewTime"))
        now = time.monotonic()
        if self._observed is None or self._observed[0] != record:
            self._observed = (record, now)
        renewed = _parse_time(spec.get("renewTime"))
        stale_remote = renewed is None or self._clock() - renewed > duration
        stale_local = now - self._observed[1] > duration
        return stale_remote or stale_local

    async def _create(self) -> None:
        now = rfc3339(self._clock(), digits=6)
        body: JsonDict = {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": self.settings.name, "namespace": self.settings.namespace},
            "spec": self._spec(now, now, transitions=0),
        }
        try:
            self._lease = await self.client.create(LEASES, body, self.settings.namespace)
        except KubeError as err:
            log.info("lease creation lost", extra=self._extra(err))
            return
        self._become_leader()

    async def _write(self, lease: JsonDict, *, acquire: bool) -> bool:
        spec = lease.get("spec") or {}
        now = rfc3339(self._clock(), digits=6)
        transitions = int(spec.get("leaseTransitions") or 0)
        if acquire and spec.get("holderIdentity") != self.settings.identity:
            transitions += 1
        acquired = now if acquire else spec.get("acquireTime") or now
        body = {**lease, "spec": self._spec(acquired, now, transitions)}
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for loses a cancellation that
            # lands as the inner call completes, and the elector would then never stop.
            async with asyncio.timeout(self.settings.renew_every):
                self._lease = await self.client.replace(LEASES, body, self.settings.namespace)
        except (KubeError, TimeoutError) as err:
            level = logging.ERROR if self.is_leader else logging.INFO
            log.log(level, "lease update failed", extra=self._extra(err))
            return False
        if acquire:
            self._become_leader()
        return True

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
        if self._lease is None or not await self._write(self._lease, acquire=False):
            self._step_down("renewal failed")

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
