"""``Leadership.exports()``: a replica that led last keeps exporting after it lost the Lease
in an outage, until it sees another holder; a replica that never led does not export."""

from __future__ import annotations

import asyncio
import contextlib

from kube_devops.runtime.leadership import Leadership
from tests.unit.runtime.test_leadership_gate import LEASE, ScriptedLease, _now


async def test_the_last_leader_exports_until_another_holder_appears() -> None:
    lease = ScriptedLease()
    gate = Leadership(LEASE, "me", lease)  # type: ignore[arg-type]  # ScriptedLease stands in for KubeClient
    run = asyncio.create_task(gate.run())
    try:
        await asyncio.sleep(0.2)  # "other" holds a live Lease: we follow and never led
        assert not gate.exports()
        lease.release()
        await asyncio.wait_for(gate.leading.wait(), 2)
        assert gate.exports()
        lease.refuse = True  # the outage: the renewal fails and we step down
        await asyncio.wait_for(gate.following.wait(), 2)
        assert not gate.is_leader
        assert gate.exports()  # no other holder seen: the last state stays exported
        spec = {"holderIdentity": "other", "leaseDurationSeconds": 15, "renewTime": _now()}
        lease.lease = {"metadata": {"name": "gate"}, "spec": spec}  # another replica took over
        for _ in range(40):
            if not gate.exports():
                break
            await asyncio.sleep(0.05)
        assert not gate.exports()
    finally:
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run
