"""Leader election: of two replicas only the Lease holder reconciles; the other takes over."""

from __future__ import annotations

import contextlib

from tests.components.reconcile.reconcile_support import (
    POLICIES,
    Cluster,
    Operator,
    running_operator,
    samples,
)
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually

LEASES = "coordination.k8s.io/v1/leases"


async def test_only_the_leader_reconciles_and_the_standby_takes_over(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = Cluster(kube_emulator)
    policy = samples("sample-devopspolicy.yaml")[0]
    policy["metadata"]["namespace"] = "default"
    cluster.seed(POLICIES, policy)
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            running_operator(kube_emulator, identity="replica-a")
        )
        await eventually(lambda: first.value("devopspolicy_reconcile_total"))
        second_cm = running_operator(kube_emulator, identity="replica-b")
        second = await second_cm.__aenter__()
        try:
            await eventually(lambda: _status(second, 200))  # a standby is ready
            await eventually(lambda: _more(first, "devopspolicy_reconcile_total", 3))
            assert await second.value("devopspolicy_reconcile_total") == 0
            assert (
                await second.value(
                    "devopspolicy_health_score", namespace="default", policy="default-policy"
                )
                is None
            )
            holder = cluster.get(LEASES, "kube-devops", "kube-devops-reconcile")
            assert holder["spec"]["holderIdentity"] == "replica-a"

            await stack.aclose()  # the leader exits and releases the Lease
            await eventually(lambda: second.value("devopspolicy_reconcile_total"), within=5.0)
            taken = cluster.get(LEASES, "kube-devops", "kube-devops-reconcile")
            assert taken["spec"]["holderIdentity"] == "replica-b"
        finally:
            await second_cm.__aexit__(None, None, None)


async def _status(op: Operator, code: int) -> bool:
    status, _ = await op.get("/readyz")
    return bool(status == code)


async def _more(op: Operator, name: str, value: float) -> bool:
    return (await op.value(name) or 0) >= value
