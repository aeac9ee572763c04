"""Statuses and metrics of the operator over HTTP against the emulator, with hand-computed scores.

Sample workloads (kube-tests/sample-workloads.yaml) expanded into Running pods by replica count:

- production (audit ``default-policy``, all five checks): web 2 + api 3 compliant pods and the
  ``debug-shell`` pod (busybox, untagged, no probes: 5 + 3 + 2 = 10) -> 6 pods, raw 10,
  10 // 6 = 1 -> score 99, 3 violation units, Healthy.
- staging (enforce ``enforce-policy``): checkout 2 pods without probes (3 + 2 = 5 each), cache
  1 pod on redis:latest with readiness only (5 + 3 = 8), frontend compliant -> 4 pods, raw 18,
  18 // 4 = 4 -> score 96, 6 units. (No controller rolls pods out, so patched templates do not
  change these pods.)
"""

from __future__ import annotations

import copy
import time
from typing import Any

from kube_devops.sandbox.emulator import once
from tests.components.reconcile.reconcile_support import (
    POLICIES,
    Cluster,
    Operator,
    running_operator,
    samples,
)
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually


def seed_samples(cluster: Cluster) -> None:
    for doc in samples("sample-workloads.yaml"):
        if doc["kind"] == "Namespace":
            cluster.namespace(doc["metadata"]["name"])
        elif doc["kind"] == "Deployment":
            cluster.deploy(doc)
        else:
            cluster.pod(doc)
    for doc in samples("sample-devopspolicy.yaml"):
        cluster.seed(POLICIES, doc)


def evaluated(cluster: Cluster, namespace: str, name: str) -> dict[str, Any] | None:
    status = cluster.policy(namespace, name).get("status") or {}
    return status if "healthScore" in status else None


async def test_sample_policies_get_hand_computed_statuses(kube_emulator: KubeEmulator) -> None:
    cluster = Cluster(kube_emulator)
    seed_samples(cluster)
    async with running_operator(kube_emulator) as op:
        prod = await eventually(lambda: evaluated(cluster, "production", "default-policy"))
        staging = await eventually(lambda: evaluated(cluster, "staging", "enforce-policy"))
        assert await op.get("/readyz") == (200, "ready\n")
        m = await op.metrics()

    assert prod["healthScore"] == 99
    assert prod["healthy"] is True
    assert prod["classification"] == "Healthy"
    assert prod["violations"] == 3
    assert prod["podsEvaluated"] == 6
    assert prod["observedGeneration"] == 1
    assert prod["message"] == "3 violations across 6 pods — Healthy (99)"
    assert [(v["pod"], v["check"], v["severity"]) for v in prod["topViolations"]] == [
        ("debug-shell", "latest_tag", "high"),
        ("debug-shell", "missing_liveness", "medium"),
        ("debug-shell", "missing_readiness", "low"),
    ]
    ready = prod["conditions"][0]
    assert (ready["type"], ready["status"], ready["reason"]) == ("Ready", "True", "Evaluated")
    assert "remediationsApplied" not in prod  # audit: cleared (merge-patched to null)

    assert staging["healthScore"] == 96
    assert staging["violations"] == 6
    assert staging["podsEvaluated"] == 4
    assert staging["classification"] == "Healthy"
    assert staging["topViolations"][0]["severity"] == "critical"  # latestTag override

    prod_labels = (("namespace", "production"), ("policy", "default-policy"))
    staging_labels = (("namespace", "staging"), ("policy", "enforce-policy"))
    assert m[("devopspolicy_health_score", prod_labels)] == 99
    assert m[("devopspolicy_violations_total", prod_labels)] == 3
    assert m[("devopspolicy_enforcement_mode", prod_labels)] == 0
    assert m[("devopspolicy_health_score", staging_labels)] == 96
    assert m[("devopspolicy_violations_total", staging_labels)] == 6
    assert m[("devopspolicy_enforcement_mode", staging_labels)] == 1
    assert m[("devopspolicy_reconcile_total", ())] >= 2
    assert m[("devopspolicy_reconcile_errors_total", ())] == 0
    assert m[("devopspolicy_pods_scanned_total", ())] >= 10
    assert m[("devopspolicy_reconcile_duration_seconds_count", ())] >= 2


async def test_one_cycle_counts_exactly(kube_emulator: KubeEmulator) -> None:
    """With a 60 s interval and no changes, each policy is reconciled exactly once."""
    cluster = Cluster(kube_emulator)
    seed_samples(cluster)
    async with running_operator(kube_emulator, interval=60.0) as op:
        await eventually(lambda: _equals(op, "devopspolicy_reconcile_duration_seconds_count", 2))
        m = await op.metrics()
    assert m[("devopspolicy_reconcile_total", ())] == 2
    assert m[("devopspolicy_pods_scanned_total", ())] == 10  # production 6 + staging 4
    assert m[("devopspolicy_reconcile_errors_total", ())] == 0


async def _equals(op: Operator, name: str, value: float) -> bool:
    return await op.value(name) == value


async def test_last_evaluated_advances_every_interval(kube_emulator: KubeEmulator) -> None:
    cluster = Cluster(kube_emulator)
    seed_samples(cluster)
    async with running_operator(kube_emulator, interval=0.5):
        first = await eventually(lambda: evaluated(cluster, "production", "default-policy"))
        stamps = [first["lastEvaluated"]]
        for _ in range(3):
            stamps.append(
                await eventually(
                    lambda: (
                        (s := evaluated(cluster, "production", "default-policy"))
                        and s["lastEvaluated"] != stamps[-1]
                        and s["lastEvaluated"]
                    ),
                    within=2.0,
                )
            )
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 4
    assert cluster.policy("production", "default-policy")["metadata"]["generation"] == 1


async def test_pod_change_is_evaluated_within_two_seconds(kube_emulator: KubeEmulator) -> None:
    cluster = Cluster(kube_emulator)
    seed_samples(cluster)
    async with running_operator(kube_emulator, interval=60.0):
        await eventually(lambda: evaluated(cluster, "production", "default-policy"))
        bad = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "late", "namespace": "production"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        }
        started = time.monotonic()
        cluster.pod(bad)
        status = await eventually(
            lambda: (
                (s := evaluated(cluster, "production", "default-policy"))
                and s["podsEvaluated"] == 7
                and s
            ),
            within=2.0,
        )
        elapsed = time.monotonic() - started
    # 7 pods, raw 10 + 10 = 20, 20 // 7 = 2 -> 98
    assert status["healthScore"] == 98
    assert status["violations"] == 6
    assert elapsed < 2.0


async def test_ready_with_zero_policies(kube_emulator: KubeEmulator) -> None:
    async with running_operator(kube_emulator) as op:
        await eventually(lambda: _ready(op))
        assert await op.value("devopspolicy_reconcile_total") == 0
        assert await op.get("/healthz") == (200, "ok\n")
        assert (await op.get("/nope"))[0] == 404


async def _ready(op: Operator) -> bool:
    status, _ = await op.get("/readyz")
    return bool(status == 200)


async def test_several_policies_in_one_namespace_each_on_their_own(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = Cluster(kube_emulator)
    seed_samples(cluster)
    latest_only = copy.deepcopy(samples("sample-devopspolicy.yaml")[0])
    latest_only["metadata"]["name"] = "latest-only"
    latest_only["spec"] = {"forbidLatestTag": True, "enforcementMode": "audit"}
    cluster.seed(POLICIES, latest_only)
    async with running_operator(kube_emulator) as op:
        full = await eventually(lambda: evaluated(cluster, "production", "default-policy"))
        mine = await eventually(lambda: evaluated(cluster, "production", "latest-only"))
        score = await op.value(
            "devopspolicy_health_score", namespace="production", policy="latest-only"
        )
    # latest-only: busybox is the one unpinned image: raw 5 over 6 pods -> 0 -> 100
    assert (mine["healthScore"], mine["violations"]) == (100, 1)
    assert (full["healthScore"], full["violations"]) == (99, 3)
    assert score == 100


async def test_invalid_spec_is_reported_and_counted(kube_emulator: KubeEmulator) -> None:
    cluster = Cluster(kube_emulator)
    broken = copy.deepcopy(samples("sample-devopspolicy.yaml")[0])
    broken["metadata"]["namespace"] = "default"
    broken["spec"]["maxRestartCount"] = "three"
    cluster.seed(POLICIES, broken)
    async with running_operator(kube_emulator) as op:
        condition = await eventually(
            lambda: (cluster.policy("default", "default-policy").get("status") or {}).get(
                "conditions"
            )
        )
        errors = await eventually(lambda: op.value("devopspolicy_reconcile_errors_total"))
        assert await op.get("/readyz") == (200, "ready\n")
    assert condition[0]["status"] == "False"
    assert condition[0]["reason"] == "InvalidSpec"
    assert "maxRestartCount" in condition[0]["message"]
    assert errors >= 1


async def test_api_error_is_counted_and_retried(kube_emulator: KubeEmulator) -> None:
    cluster = Cluster(kube_emulator)
    seed_samples(cluster)
    kube_emulator.thread.call(
        lambda e: e["get", "/api/v1/namespaces/production/pods"] << once(503, "etcd is slow")
    )
    async with running_operator(kube_emulator, interval=60.0) as op:
        status = await eventually(lambda: evaluated(cluster, "production", "default-policy"))
        errors = await op.value("devopspolicy_reconcile_errors_total")
    # the first listing failed; the retry (backoff 0.2 s, not the 60 s interval) succeeded
    assert errors == 1
    assert status["healthScore"] == 99
