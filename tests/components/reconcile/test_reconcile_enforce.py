"""Enforcement against the emulator: one guarded patch, nothing clobbered, nothing extra."""

from __future__ import annotations

import copy
from typing import Any

import kmock
import pytest

from kube_devops.core.policy import EnforcementMode, PolicySpec, policy_object
from tests.components.reconcile.reconcile_support import (
    POLICIES,
    Cluster,
    Operator,
    running_operator,
)
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import as_json
from tests.support.waiting import eventually

DEPLOYMENTS = "apps/v1/deployments"
APP = {
    "name": "app",
    "image": "registry.local:5000/shop/app:1.4.2",
    "ports": [{"name": "http", "containerPort": 8000}],
    "env": [{"name": "MODE", "value": "prod"}],
    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
}
WORKER = {
    "name": "worker",
    "image": "registry.local:5000/shop/worker:1.4.2",
    "env": [{"name": "QUEUE", "value": "orders"}],
}
LIVENESS = {"tcpSocket": {"port": 8000}, "periodSeconds": 10, "initialDelaySeconds": 15,
            "failureThreshold": 6}  # fmt: skip
READINESS = {"tcpSocket": {"port": 8000}, "periodSeconds": 10, "initialDelaySeconds": 5}


def deployment(namespace: str, *containers: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": namespace, "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [copy.deepcopy(c) for c in containers],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                },
            },
        },
    }


def policy(namespace: str, mode: str, name: str = "probes") -> dict[str, Any]:
    spec = PolicySpec(
        require_liveness_probe=True,
        require_readiness_probe=True,
        enforcement_mode=EnforcementMode(mode),
    )
    return as_json(policy_object(name, namespace, spec))


def setup(kube_emulator: KubeEmulator, namespace: str, mode: str) -> Cluster:
    cluster = Cluster(kube_emulator)
    if namespace not in ("default", "kube-devops"):
        cluster.namespace(namespace)
    cluster.deploy(deployment(namespace, APP, WORKER))
    cluster.seed(POLICIES, policy(namespace, mode))
    cluster.record_requests()
    return cluster


async def cycles(op: Operator, count: int) -> None:
    """Wait until ``count`` more reconciles have completed."""
    start = await op.value("devopspolicy_reconcile_duration_seconds_count") or 0
    await eventually(
        lambda: _at_least(op, "devopspolicy_reconcile_duration_seconds_count", start + count)
    )


async def _at_least(op: Operator, name: str, value: float) -> bool:
    return (await op.value(name) or 0) >= value


async def test_two_containers_exactly_one_patch_and_nothing_else_changes(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = setup(kube_emulator, "shop", "enforce")
    before = cluster.get(DEPLOYMENTS, "shop", "web")
    async with running_operator(kube_emulator) as op:
        await eventually(lambda: _at_least(op, "devopspolicy_remediations_applied_total", 1))
        await cycles(op, 2)
        applied = await op.value("devopspolicy_remediations_applied_total")
        failed = await op.value("devopspolicy_remediations_failed_total")
    after = cluster.get(DEPLOYMENTS, "shop", "web")

    assert cluster.writes("deployments") == [
        ("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web")
    ]
    assert (applied, failed) == (1, 0)
    want = copy.deepcopy(before)
    app = want["spec"]["template"]["spec"]["containers"][0]
    app["livenessProbe"], app["readinessProbe"] = LIVENESS, READINESS
    want["spec"]["template"]["metadata"]["annotations"] = {
        "devops.stochastic.io/patched-by": "kube-devops-reconcile"
    }
    for stamp in ("resourceVersion", "generation"):
        want["metadata"][stamp] = after["metadata"][stamp]
    assert after == want  # worker untouched; image, env, volumes, replicas unchanged

    status = cluster.policy("shop", "probes")["status"]
    assert status["remediationsApplied"] == 0  # the later cycles found nothing to do
    no_port = (
        "no port known for a TCP probe: set defaultProbe.tcpPort on the policy "
        "or declare a containerPort, or add the probe to the workload by hand"
    )
    assert status["notRemediable"] == [
        {"workload": "deployment/shop/web", "container": "worker", "check": check,
         "reason": no_port}
        for check in ("missing_liveness", "missing_readiness")
    ]  # fmt: skip
    events = cluster.objects("v1/events", "shop")
    assert [(e["reason"], e["type"], e["involvedObject"]["name"]) for e in events] == [
        ("Remediated", "Normal", "probes")
    ]
    assert "deployment/shop/web" in events[0]["message"]


THEIR_LIVENESS = {"httpGet": {"path": "/live", "port": 8000}, "periodSeconds": 3}


def change_after_first_read(kube_emulator: KubeEmulator, change: Any) -> None:
    """Serve the first GET of shop/web as it is, then apply ``change`` to the stored object
    before our patch arrives (someone else's write between our read and our write)."""
    key = (kmock.resource(DEPLOYMENTS), "shop", "web")
    done: list[bool] = []

    async def read_then_change(emu: Any) -> Any:
        current = copy.deepcopy(emu.objects[key].raw)
        if not done:
            changed = copy.deepcopy(current)
            change(changed)
            await emu.modify(DEPLOYMENTS, changed)
            done.append(True)
        return current

    path = "/apis/apps/v1/namespaces/shop/deployments/web"
    kube_emulator.thread.call(lambda e: e["get", path] << (lambda: read_then_change(e)))


async def test_a_probe_added_between_read_and_patch_survives_and_is_not_duplicated(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = setup(kube_emulator, "shop", "enforce")

    def add_their_probe(obj: dict[str, Any]) -> None:
        obj["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] = THEIR_LIVENESS

    change_after_first_read(kube_emulator, add_their_probe)
    async with running_operator(kube_emulator) as op:
        await eventually(lambda: _at_least(op, "devopspolicy_remediations_applied_total", 1))
        await cycles(op, 1)
        failed = await op.value("devopspolicy_remediations_failed_total")
        applied = await op.value("devopspolicy_remediations_applied_total")
    app, worker = cluster.get(DEPLOYMENTS, "shop", "web")["spec"]["template"]["spec"]["containers"]

    # The first patch (planned from the stale read) was refused by its resourceVersion guard;
    # the workload was read again and the second patch adds only what was still missing.
    path = "/apis/apps/v1/namespaces/shop/deployments/web"
    assert cluster.writes("deployments") == [("PATCH", path), ("PATCH", path)]
    assert (failed, applied) == (0, 1)
    assert app == {**APP, "livenessProbe": THEIR_LIVENESS, "readinessProbe": READINESS}
    assert worker == WORKER
    events = cluster.objects("v1/events", "shop")
    assert [e["reason"] for e in events] == ["Remediated"]
    assert "(app: readinessProbe)" in events[0]["message"]


async def test_containers_reordered_between_read_and_patch_are_patched_by_name(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = setup(kube_emulator, "shop", "enforce")
    change_after_first_read(
        kube_emulator, lambda obj: obj["spec"]["template"]["spec"]["containers"].reverse()
    )
    async with running_operator(kube_emulator) as op:
        await eventually(lambda: _at_least(op, "devopspolicy_remediations_applied_total", 1))
        await cycles(op, 1)
        failed = await op.value("devopspolicy_remediations_failed_total")
        applied = await op.value("devopspolicy_remediations_applied_total")
    final = cluster.get(DEPLOYMENTS, "shop", "web")

    assert (failed, applied) == (0, 1)
    worker, app = final["spec"]["template"]["spec"]["containers"]
    assert worker == WORKER  # planned again from the fresh read: nothing on the wrong container
    assert (app["livenessProbe"], app["readinessProbe"]) == (LIVENESS, READINESS)
    assert [e["reason"] for e in cluster.objects("v1/events", "shop")] == ["Remediated"]


async def test_audit_policy_never_writes_workloads(kube_emulator: KubeEmulator) -> None:
    cluster = setup(kube_emulator, "shop", "audit")
    async with running_operator(kube_emulator) as op:
        await cycles(op, 3)
        applied = await op.value("devopspolicy_remediations_applied_total")
    for plural in ("deployments", "replicasets", "statefulsets", "daemonsets", "pods"):
        assert cluster.writes(plural) == []
    assert applied == 0
    assert cluster.policy("shop", "probes")["status"]["violations"] == 8  # 2 pods x 2 x 2


@pytest.mark.parametrize("namespace", ["monitoring", "kube-devops", "cert-manager-system"])
async def test_enforce_in_protected_namespace_patches_nothing(
    kube_emulator: KubeEmulator, namespace: str
) -> None:
    cluster = setup(kube_emulator, namespace, "enforce")
    async with running_operator(kube_emulator) as op:
        await cycles(op, 3)
        applied = await op.value("devopspolicy_remediations_applied_total")
        mode = await op.value("devopspolicy_enforcement_mode", namespace=namespace,
                              policy="probes")  # fmt: skip
    assert cluster.writes("deployments") == []
    assert applied == 0
    assert mode == 1
    status = cluster.policy(namespace, "probes")["status"]
    assert status["violations"] == 8  # evaluated and reported, just not enforced
    assert "remediationsApplied" not in status


async def test_switching_to_audit_clears_the_last_remediation_summary(
    kube_emulator: KubeEmulator,
) -> None:
    cluster = setup(kube_emulator, "shop", "enforce")
    async with running_operator(kube_emulator) as op:
        await eventually(lambda: _at_least(op, "devopspolicy_remediations_applied_total", 1))
        await cycles(op, 2)  # the remediating cycle may still be running: one full cycle after it
        enforced = cluster.policy("shop", "probes")["status"]
        kube_emulator.custom.patch_namespaced_custom_object(
            "devops.stochastic.io", "v1", "shop", "devopspolicies", "probes",
            {"spec": {"enforcementMode": "audit"}},
        )  # fmt: skip
        await eventually(lambda: "notRemediable" not in cluster.policy("shop", "probes")["status"])
        await cycles(op, 1)
    audited = cluster.policy("shop", "probes")["status"]

    assert enforced["remediationsApplied"] == 0
    assert enforced["remediationsFailed"] == 0
    assert len(enforced["notRemediable"]) == 2  # worker: liveness and readiness, no port
    for key in ("remediationsApplied", "remediationsFailed", "remediatedWorkloads",
                "remediationFailures", "notRemediable"):  # fmt: skip
        assert key not in audited, key
    assert audited["violations"] == 8  # the pods predate the patch: 2 pods x 2 x 2


@pytest.mark.parametrize(("kind", "plural"), [("StatefulSet", "statefulsets"),
                                              ("DaemonSet", "daemonsets")])  # fmt: skip
async def test_pods_owned_directly_by_statefulset_or_daemonset(
    kube_emulator: KubeEmulator, kind: str, plural: str
) -> None:
    cluster = Cluster(kube_emulator)
    cluster.namespace("shop")
    workload = deployment("shop", APP)
    workload["kind"] = kind
    stored = cluster.seed(f"apps/v1/{plural}", workload)
    cluster.pods_for(stored, 2)
    cluster.seed(POLICIES, policy("shop", "enforce"))
    async with running_operator(kube_emulator) as op:
        await eventually(lambda: _at_least(op, "devopspolicy_remediations_applied_total", 1))
    app = cluster.get(f"apps/v1/{plural}", "shop", "web")["spec"]["template"]["spec"]
    assert (app["containers"][0]["livenessProbe"], app["containers"][0]["readinessProbe"]) == (
        LIVENESS, READINESS,
    )  # fmt: skip


async def test_default_resources_fill_only_missing_keys(kube_emulator: KubeEmulator) -> None:
    cluster = Cluster(kube_emulator)
    cluster.namespace("shop")
    app = {**APP, "resources": {"requests": {"cpu": "250m"}}}
    cluster.deploy(deployment("shop", app, WORKER))
    enforce = policy("shop", "enforce")
    enforce["spec"]["defaultResources"] = {
        "cpuRequest": "100m", "cpuLimit": "500m", "memoryRequest": "128Mi", "memoryLimit": "256Mi"
    }  # fmt: skip
    cluster.seed(POLICIES, enforce)
    cluster.record_requests()
    async with running_operator(kube_emulator) as op:
        await eventually(lambda: _at_least(op, "devopspolicy_remediations_applied_total", 1))
        await cycles(op, 2)
    template = cluster.get(DEPLOYMENTS, "shop", "web")["spec"]["template"]
    app_after, worker_after = template["spec"]["containers"]
    assert app_after["resources"] == {  # the 250m request kept, the rest filled
        "requests": {"cpu": "250m", "memory": "128Mi"},
        "limits": {"cpu": "500m", "memory": "256Mi"},
    }
    assert worker_after == {
        **WORKER,  # no port: no probes, but resources filled
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
    }
    assert (app_after["livenessProbe"], app_after["readinessProbe"]) == (LIVENESS, READINESS)
    assert cluster.writes("deployments") == [
        ("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web")
    ]
