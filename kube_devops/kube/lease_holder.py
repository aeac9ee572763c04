"""Holding a Lease: writing our record, renewing it, stepping down, releasing it.

Public API: ``LeaseHolder(client, settings, on_started, on_stopped, clock)``, the base of
``kube_devops.kube.leader.LeaderElector``, with ``is_leader`` and ``holder`` (the holder identity
last seen on the Lease; ours while we hold it). For the elector:

- ``_stamp()`` — now in RFC 3339 (µs), remembered among our last ``_OWN_WRITES`` ``renewTime``
  values so a record under our identity is recognised as written by this replica;
- ``await _write(lease, acquire=...)`` — replace the Lease with our record (a compare-and-swap on
  its ``resourceVersion``, at most one renew period), becoming leader when acquiring; returns the
  failure or None;
- ``await _renew()`` — one renewal; a failure steps down, and a lost one whose record is under
  our identity but not ours raises ``DuplicateIdentityError`` (``_duplicate()`` logs it first);
- ``_become_leader()`` / ``_step_down(why)`` — the change of leadership, logged and reported to
  ``on_started`` / ``on_stopped``;
- ``await _release()`` — at shutdown: step down and hand the Lease over (empty holder, 1 s
  duration), waiting at most ``RELEASE_TIMEOUT`` seconds for the API server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.core.times import rfc3339
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Conflict, KubeError
from kube_devops.kube.lease_record import (
    DuplicateIdentityError,
    LeaseSettings,
    our_spec,
    released_spec,
)
from kube_devops.kube.resources import LEASES

# The elector's one logger: its records keep the name they had before this module existed.
log = logging.getLogger("kube_devops.kube.leader")

#: Seconds a leader waits for the API server to accept the release of its Lease at shutdown.
RELEASE_TIMEOUT = 1.0
#: How many of our own latest ``renewTime`` values are remembered to recognise our own writes.
_OWN_WRITES = 8


class LeaseHolder:
    """The leader's side of the election (see the module docstring)."""

    def __init__(
        self,
        client: KubeClient,
        settings: LeaseSettings,
        on_started: Callable[[], None] | None,
        on_stopped: Callable[[], None] | None,
        clock: Callable[[], float],
    ) -> None:
        self.client, self.settings = client, settings
        self._on_started, self._on_stopped = on_started, on_stopped
        self._clock = clock
        self._written: deque[str] = deque(maxlen=_OWN_WRITES)
        self.is_leader = False
        self.holder: str | None = None
        """The holder identity last seen on the Lease (ours while we hold it)."""
        self._lease: JsonDict | None = None

    def _stamp(self) -> str:
        now = rfc3339(self._clock(), digits=6)
        self._written.append(now)
        return now

    async def _write(self, lease: JsonDict, *, acquire: bool) -> KubeError | TimeoutError | None:
        """Replace the Lease with our record; the failure, or None when written."""
        spec = lease.get("spec") or {}
        body = {**lease, "spec": our_spec(self.settings, spec, self._stamp(), acquire=acquire)}
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

    def _duplicate(self) -> None:
        message = (
            f"another replica renews the lease {self.settings.name!r} under this replica's "
            f"identity {self.settings.identity!r}; give every replica a unique --identity "
            "(or leave it unset for a generated one)"
        )
        log.error(message, extra={"lease": self.settings.name, **self._who()})
        self._step_down("duplicate identity")
        raise DuplicateIdentityError(message)

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
        spec = released_spec(lease.get("spec") or {})
        with contextlib.suppress(KubeError, TimeoutError):
            async with asyncio.timeout(RELEASE_TIMEOUT):
                await self.client.replace(LEASES, {**lease, "spec": spec}, self.settings.namespace)
            log.info("lease released", extra={"lease": self.settings.name, **self._who()})

    def _who(self) -> dict[str, str]:
        return {"identity": self.settings.identity}

    def _extra(self, err: Exception) -> dict[str, Any]:
        return {"lease": self.settings.name, "error": str(err), **self._who()}
