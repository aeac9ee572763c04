"""A malformed pod in a policy's namespace is skipped (named in one warning); the policy is still
evaluated over the other pods instead of failing every cycle."""

from __future__ import annotations

import logging

import pytest

from tests.components.reconcile.reconcile_support import POLICIES, Cluster, running_operator
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually

POLICY = {
    "apiVersion": "devops.stochastic.io/v1",
    "kind": "DevOpsPolicy",
    "metadata": {"name": "audit", "namespace": "shop"},
    "spec": {"forbidLatestTag": True, "requireLivenessProbe": True,
             "requireReadinessProbe": True, "enforcementMode": "audit"},
}  # fmt: skip


def _pod(name: str, containers: object) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"containers": containers},
    }


async def test_the_policy_is_evaluated_over_the_well_formed_pods(
    kube_emulator: KubeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    cluster = Cluster(kube_emulator)
    cluster.namespace("shop")
    cluster.pod(_pod("web", [{"name": "app", "image": "nginx"}]))
    cluster.pod(_pod("broken", "string"))
    cluster.seed(POLICIES, POLICY)
    async with running_operator(kube_emulator):
        status = await eventually(
            lambda: (cluster.policy("shop", "audit").get("status") or {}).get("healthScore"), 10
        )
    # web: untagged image (5), no liveness (3), no readiness (2) -> raw 10 over 1 pod: 90
    assert status == 90
    skipped = [r for r in caplog.records if r.getMessage() == "pods skipped: they cannot be scored"]
    assert skipped
    assert skipped[0].levelno == logging.WARNING
    assert skipped[0].__dict__["pods"] == ["shop/broken: spec.containers: expected a list, got str"]
