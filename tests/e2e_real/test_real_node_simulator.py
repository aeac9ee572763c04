"""The node simulator against the real API server and kube-controller-manager (spare plane)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from typing import Any

import pytest

from kube_devops.sandbox.real.nodes import NodeSimulator, NodeSimulatorSettings
from tests.e2e_real.conftest import SparePlane
from tests.e2e_real.real_support import Kubectl, fresh_namespace, manifest
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e_real

SIMULATE = "sandbox.devops.stochastic.io/simulate"


def pod(name: str, simulate: str | None = None, **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if simulate:
        meta["annotations"] = {SIMULATE: simulate}
    container = {"name": "app", "image": "nginx:1.27.0"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [container], **spec}}  # fmt: skip


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in obj["status"].get("conditions") or [] if c["type"] == kind)


def test_nodes_are_ready_untainted_and_renew_their_leases(spare_admin: Kubectl) -> None:
    nodes = spare_admin.json("get", "nodes")["items"]
    assert sorted(n["metadata"]["name"] for n in nodes) == ["sim-node-0", "sim-node-1"]
    for node in nodes:
        assert condition(node, "Ready")["status"] == "True"
        assert {"type": "InternalIP", "address": "127.0.0.1"} in node["status"]["addresses"]
        assert node["status"]["allocatable"]["pods"] == "110"
        assert not node["spec"].get("taints"), "the node-lifecycle controller tainted a node"
    first = spare_admin.json("get", "lease", "sim-node-0", "-n", "kube-node-lease")
    time.sleep(3.5)  # one renew period (3 s) and a little
    second = spare_admin.json("get", "lease", "sim-node-0", "-n", "kube-node-lease")
    assert when(second["spec"]["renewTime"]) > when(first["spec"]["renewTime"])
    assert second["spec"]["holderIdentity"] == "sim-node-0"
    assert second["metadata"]["ownerReferences"][0]["kind"] == "Node"


def test_a_plain_pod_is_bound_running_and_ready(spare_admin: Kubectl) -> None:
    with fresh_namespace(spare_admin) as ns:
        spare_admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(pod("web")))
        ready = wait_until(lambda: _ready(spare_admin, ns, "web"), 20, "web Ready", every=0.25)
        status = ready["status"]
        assert ready["spec"]["nodeName"] in {"sim-node-0", "sim-node-1"}
        assert status["phase"] == "Running"
        assert status["hostIP"] == "127.0.0.1"
        assert ipaddress.ip_address(status["podIP"]) in ipaddress.ip_network("10.244.0.0/16")
        for kind in ("PodScheduled", "Initialized", "ContainersReady", "Ready"):
            assert condition(ready, kind)["status"] == "True", kind
        (container,) = status["containerStatuses"]
        assert (container["name"], container["ready"], container["restartCount"]) == (
            "app", True, 0,
        )  # fmt: skip
        assert "startedAt" in container["state"]["running"]
        assert container["imageID"].startswith("nginx:1.27.0@sha256:")


def test_a_readiness_probe_delay_is_waited_for(spare_admin: Kubectl) -> None:
    probe = {"tcpSocket": {"port": 80}, "initialDelaySeconds": 3}
    delayed = pod("slow")
    delayed["spec"]["containers"][0]["readinessProbe"] = probe
    with fresh_namespace(spare_admin) as ns:
        spare_admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(delayed))
        ready = wait_until(lambda: _ready(spare_admin, ns, "slow"), 20, "slow Ready", every=0.25)
        started = when(ready["status"]["containerStatuses"][0]["state"]["running"]["startedAt"])
        became_ready = when(condition(ready, "Ready")["lastTransitionTime"])
        assert (became_ready - started).total_seconds() >= 3


def test_marked_pods_crash_loop_stay_pending_or_finish(spare_admin: Kubectl) -> None:
    pods = [
        pod("crashy", "crash-loop"),
        pod("parked", "pending"),
        pod("picky", nodeSelector={"disk": "ssd"}),
        pod("done", "succeed", restartPolicy="Never"),
        pod("broken", "fail", restartPolicy="Never"),
    ]
    with fresh_namespace(spare_admin) as ns:
        spare_admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(*pods))
        crashy = wait_until(
            lambda: _restarts_at_least(spare_admin, ns, "crashy", 3), 20, "3 restarts", every=0.25
        )
        (container,) = crashy["status"]["containerStatuses"]
        assert container["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        assert container["lastState"]["terminated"]["exitCode"] == 1
        assert container["ready"] is False
        assert _phase(spare_admin, ns, "done") == "Succeeded"
        assert _phase(spare_admin, ns, "broken") == "Failed"
        for name, reason in (("parked", "marked to stay Pending"), ("picky", "didn't match")):
            got = spare_admin.json("get", "pod", name, "-n", ns)
            assert "nodeName" not in got["spec"]
            assert got["status"]["phase"] == "Pending"
            scheduled = condition(got, "PodScheduled")
            assert (scheduled["status"], scheduled["reason"]) == ("False", "Unschedulable")
            assert reason in scheduled["message"]


def test_deployments_and_jobs_complete_through_the_controller_manager(
    spare_admin: Kubectl,
) -> None:
    labels = {"app": "web"}
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 3, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": pod("x")["spec"]}},
    }  # fmt: skip
    job = {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
        "spec": {"template": {"metadata": {"annotations": {SIMULATE: "succeed"}},
                              "spec": pod("x", restartPolicy="Never")["spec"]}},
    }  # fmt: skip
    with fresh_namespace(spare_admin) as ns:
        spare_admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(deployment, job))
        spare_admin.run("rollout", "status", "-n", ns, "deployment/web", "--timeout=60s")
        got = spare_admin.json("get", "deployment", "web", "-n", ns)["status"]
        assert (got["readyReplicas"], got["availableReplicas"]) == (3, 3)
        spare_admin.run("wait", "-n", ns, "--for=condition=Complete", "job/once", "--timeout=60s")
        assert spare_admin.json("get", "job", "once", "-n", ns)["status"]["succeeded"] == 1


def test_a_deleted_pod_is_confirmed_gone_as_a_kubelet_would(spare_admin: Kubectl) -> None:
    with fresh_namespace(spare_admin) as ns:
        spare_admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(pod("web")))
        wait_until(lambda: _ready(spare_admin, ns, "web"), 20, "web Ready", every=0.25)
        began = time.monotonic()
        spare_admin.run("delete", "pod", "web", "-n", ns, "--timeout=20s")  # grace period 30 s
        assert time.monotonic() - began < 10
        gone = spare_admin.run("get", "pod", "web", "-n", ns, check=False)
        assert gone.returncode == 1
        assert "NotFound" in gone.stderr


def test_a_simulator_starts_ready_and_stops_cleanly(spare_plane: SparePlane) -> None:
    settings = NodeSimulatorSettings(
        spare_plane.info.admin_kubeconfig, nodes=1, name_prefix="extra-node"
    )
    simulator = NodeSimulator(settings)
    try:
        with simulator:
            node = spare_plane.kubectl.json("get", "node", "extra-node-0")
            assert condition(node, "Ready")["status"] == "True"
            assert simulator.running
        assert not simulator.running
    finally:
        spare_plane.kubectl.run("delete", "node", "extra-node-0", check=False)


def _ready(kubectl: Kubectl, ns: str, name: str) -> dict[str, Any] | None:
    got: dict[str, Any] = kubectl.json("get", "pod", name, "-n", ns)
    conditions = got.get("status", {}).get("conditions") or []
    ready = any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)
    return got if ready else None


def _restarts_at_least(kubectl: Kubectl, ns: str, name: str, count: int) -> dict[str, Any] | None:
    got: dict[str, Any] = kubectl.json("get", "pod", name, "-n", ns)
    statuses = got.get("status", {}).get("containerStatuses") or []
    return got if statuses and statuses[0].get("restartCount", 0) >= count else None


def _phase(kubectl: Kubectl, ns: str, name: str) -> str:
    def finished() -> str:
        phase = kubectl.json("get", "pod", name, "-n", ns)["status"].get("phase")
        return str(phase) if phase in {"Succeeded", "Failed"} else ""

    return wait_until(finished, 20, f"{name} finished", every=0.25)
