"""The elector's identity rules and outage backoff, on a stand-in client and recorded sleeps."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from kube_devops.kube.errors import Conflict, TransientError
from kube_devops.kube.leader import LeaderElector
from kube_devops.kube.lease_record import DuplicateIdentityError, LeaseSettings
from tests.support.waiting import SleptEnoughError, record_sleeps
from tests.unit.runtime.test_leader_timing import NOW, LeaseClient, _held_by

FRESH = "2023-11-14T22:13:10.000000Z"  # 10 s before NOW: a 15 s lease still valid
STALE = "2023-11-14T22:13:04.000000Z"  # 16 s before NOW: expired


def _elector(client: LeaseClient) -> LeaderElector:
    settings = LeaseSettings(name="watch", identity="me", lease_duration=15.0)
    return LeaderElector(client, settings, clock=lambda: NOW, rng=lambda: 1.0)  # type: ignore[arg-type]  # LeaseClient stands in for KubeClient


class DownClient(LeaseClient):
    """The API server cannot be reached."""

    async def get(self, resource: object, name: str, namespace: str) -> dict[str, Any]:
        raise TransientError("cannot reach the API server: connection refused", where="GET")


async def test_outage_backs_off_exponentially_up_to_the_renew_period(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    delays = record_sleeps(monkeypatch, 5)
    with (
        caplog.at_level(logging.DEBUG, logger="kube_devops.kube.leader"),
        pytest.raises(SleptEnoughError),
    ):
        await _elector(DownClient(None)).run()
    assert delays == [2.0, 4.0, 5.0, 5.0, 5.0]  # retry 1 s doubled, capped at the 5 s renewal
    levels = [r.levelno for r in caplog.records if r.getMessage().startswith("cannot read")]
    assert levels == [logging.WARNING] + [logging.DEBUG] * 4  # one line per outage


async def test_a_live_lease_under_our_identity_not_written_by_us_is_waited_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = LeaseClient(_held_by("me", FRESH))  # e.g. our previous run, killed
    delays = record_sleeps(monkeypatch, 3)
    elector = _elector(client)
    with pytest.raises(SleptEnoughError):
        await elector.run()
    assert delays == [1.0, 1.0, 1.0]
    assert client.written == []
    assert not elector.is_leader


async def test_an_expired_lease_under_our_identity_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = LeaseClient(_held_by("me", STALE))
    record_sleeps(monkeypatch, 1)
    elector = _elector(client)
    with pytest.raises(SleptEnoughError):
        await elector.run()
    assert [w["holderIdentity"] for w in client.written] == ["me", None]  # taken; released at exit


class RenewedByATwin(LeaseClient):
    """The Lease is renewed under our identity by someone else between two of our reads."""

    async def get(self, resource: object, name: str, namespace: str) -> dict[str, Any]:
        lease = await super().get(resource, name, namespace)
        self.lease = _held_by("me", "2023-11-14T22:13:12.000000Z")  # the twin's next renewal
        return lease


async def test_a_lease_renewed_under_our_identity_is_a_duplicate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = RenewedByATwin(_held_by("me", FRESH))
    record_sleeps(monkeypatch, 5)
    with pytest.raises(DuplicateIdentityError, match="identity 'me'"):
        await _elector(client).run()
    assert client.written == []


class LosesTheRenewal(LeaseClient):
    """Creates the Lease for us, then a twin overwrites it under our identity."""

    async def replace(self, resource: object, body: dict[str, Any], namespace: str) -> Any:
        self.lease = _held_by("me", "2023-11-14T22:13:19.000000Z")
        raise Conflict("the object has been modified", status=409)


async def test_a_leader_losing_its_renewal_to_its_own_identity_stops_and_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = LosesTheRenewal(None)
    record_sleeps(monkeypatch, 5)
    elector = _elector(client)
    with pytest.raises(DuplicateIdentityError):
        await elector.run()
    assert not elector.is_leader
    assert [w["holderIdentity"] for w in client.written] == ["me"]  # created; never released
