"""Finalizer handling against the emulator: only our entry is added and removed; series go."""

from __future__ import annotations

import copy

from tests.components.reconcile.reconcile_support import (
    POLICIES,
    Cluster,
    Operator,
    running_operator,
    samples,
)
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually

FOREIGN = "example.com/keep-until-backed-up"
OURS = "devops.stochastic.io/cleanup"
GROUP = ("devops.stochastic.io", "v1", "default", "devopspolicies")


def policy(name: str, finalizers: list[str] | None = None) -> dict[str, object]:
    obj = copy.deepcopy(samples("sample-devopspolicy.yaml")[0])
    obj["metadata"] = {"name": name, "namespace": "default"}
    if finalizers is not None:
        obj["metadata"]["finalizers"] = finalizers
    return obj


async def test_delete_removes_our_finalizer_keeps_foreign_and_drops_series(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = Cluster(kube_emulator)
    cluster.seed(POLICIES, policy("guarded", [FOREIGN]))
    labels = {"namespace": "default", "policy": "guarded"}
    async with running_operator(kube_emulator) as op:
        added = await eventually(
            lambda: cluster.policy("default", "guarded")["metadata"].get("finalizers") == [
                FOREIGN, OURS]
        )  # fmt: skip
        await eventually(lambda: op.value("devopspolicy_health_score", **labels))
        kube_emulator.custom.delete_namespaced_custom_object(*GROUP, "guarded")
        await eventually(
            lambda: cluster.policy("default", "guarded")["metadata"]["finalizers"] == [FOREIGN]
        )
        await eventually(lambda: _gone(op, labels))
        m = await op.metrics()
    left = cluster.policy("default", "guarded")
    assert added
    assert left["metadata"]["deletionTimestamp"]
    assert left["metadata"]["finalizers"] == [FOREIGN]
    for name in ("devopspolicy_health_score", "devopspolicy_violations_total",
                 "devopspolicy_enforcement_mode"):  # fmt: skip
        assert (name, tuple(sorted(labels.items()))) not in m


async def _gone(op: Operator, labels: dict[str, str]) -> bool:
    return await op.value("devopspolicy_health_score", **labels) is None


async def test_deleted_policy_without_other_finalizers_disappears(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = Cluster(kube_emulator)
    cluster.seed(POLICIES, policy("plain"))
    labels = {"namespace": "default", "policy": "plain"}
    async with running_operator(kube_emulator) as op:
        await eventually(
            lambda: cluster.policy("default", "plain")["metadata"].get("finalizers") == [OURS]
        )
        await eventually(lambda: op.value("devopspolicy_health_score", **labels))
        kube_emulator.custom.delete_namespaced_custom_object(*GROUP, "plain")
        await eventually(lambda: cluster.objects(POLICIES, "default") == [])
        await eventually(lambda: _gone(op, labels))
        errors = await op.value("devopspolicy_reconcile_errors_total")
    assert errors == 0
