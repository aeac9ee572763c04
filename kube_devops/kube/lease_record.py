"""The Lease record of leader election: which Lease, whose identity, what we write, when it expires.

Public API:

- ``LeaseSettings`` — ``namespace``, ``name``, ``identity`` (default ``unique_identity()``:
  host, pid and a random suffix), ``lease_duration`` (s), ``renew_period`` (default a third of
  the duration), ``retry_period`` (how often a follower tries to acquire).
- ``unique_identity() -> str`` and ``DuplicateIdentityError`` (another replica renews the Lease
  under this replica's identity; a ``FatalError``).
- ``new_lease(settings, now) -> JsonDict`` — a Lease held by us (``now`` an RFC 3339 time);
  ``our_spec(settings, spec, now, *, acquire)`` — the spec we write over ``spec``: an acquisition
  counts a transition when the holder was another and starts ``acquireTime`` anew, a renewal
  keeps both; ``released_spec(spec)`` — the spec that hands the Lease over (empty holder, 1 s).
- ``Expiry(default_duration, clock)`` with ``expired(spec) -> bool``: the record's
  ``renewTime`` is older than ``leaseDurationSeconds`` by ``clock``, or the record (holder and
  ``renewTime``) has not changed for that long since it was first seen (by the monotonic clock).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.core.times import parse_rfc3339
from kube_devops.kube.errors import FatalError


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


def new_lease(settings: LeaseSettings, now: str) -> JsonDict:
    """A Lease held by ``settings.identity``, acquired and renewed at ``now``."""
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": settings.name, "namespace": settings.namespace},
        "spec": _spec(settings, now, now, transitions=0),
    }


def our_spec(settings: LeaseSettings, spec: JsonDict, now: str, *, acquire: bool) -> JsonDict:
    """The spec we write over ``spec`` at ``now`` to acquire or renew the Lease."""
    transitions = int(spec.get("leaseTransitions") or 0)
    if acquire and spec.get("holderIdentity") != settings.identity:
        transitions += 1
    acquired = now if acquire else spec.get("acquireTime") or now
    return _spec(settings, acquired, now, transitions)


def released_spec(spec: JsonDict) -> JsonDict:
    """``spec`` with no holder and a 1 s duration, so another replica can take it at once."""
    return {**spec, "holderIdentity": None, "leaseDurationSeconds": 1}


def _spec(settings: LeaseSettings, acquired: str, renewed: str, transitions: int) -> JsonDict:
    return {
        "holderIdentity": settings.identity,
        "leaseDurationSeconds": max(1, round(settings.lease_duration)),
        "acquireTime": acquired,
        "renewTime": renewed,
        "leaseTransitions": transitions,
    }


class Expiry:
    """Judges whether a Lease record has expired (see the module docstring)."""

    def __init__(self, default_duration: float, clock: Callable[[], float]) -> None:
        self._default_duration = default_duration
        self._clock = clock
        self._observed: tuple[Any, float] | None = None

    def expired(self, spec: JsonDict) -> bool:
        """True when the record in ``spec`` is stale by the remote or the local clock."""
        holder = spec.get("holderIdentity")
        duration = float(spec.get("leaseDurationSeconds") or self._default_duration)
        record = (holder, spec.get("renewTime"))
        now = time.monotonic()
        if self._observed is None or self._observed[0] != record:
            self._observed = (record, now)
        renewed = _parse_time(spec.get("renewTime"))
        stale_remote = renewed is None or self._clock() - renewed > duration
        stale_local = now - self._observed[1] > duration
        return stale_remote or stale_local


def _parse_time(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_rfc3339(value).timestamp()
    except ValueError:
        return None
