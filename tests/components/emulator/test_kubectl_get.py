"""Real ``kubectl`` reads the emulated API as it reads a real one: discovery, short names,
singular names, categories and server-side printing (Tables with the real columns).

Every object is seeded 150 minutes and 10 seconds old, so its AGE cell is ``150m`` (whole
minutes between 10 and 180 minutes) for the 50 seconds the test may take.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from kube_devops.core.policy import EnforcementMode, PolicySpec, policy_object
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import as_json
from tests.support.kubectl import Kubectl

Obj = dict[str, Any]
AGE = datetime.timedelta(minutes=150, seconds=10)


def _ago(delta: datetime.timedelta) -> str:
    return (datetime.datetime.now(tz=datetime.UTC) - delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_aged(kube: KubeEmulator, resource: str, obj: Obj) -> None:
    """Store ``obj`` as created ``AGE`` ago."""
    stored = kube.thread.seed(resource, obj)
    stored["metadata"]["creationTimestamp"] = _ago(AGE)
    kube.thread.call_async(lambda emu: emu.modify(resource, stored))


def cells(output: str) -> list[list[str]]:
    """The table kubectl printed, one list of cells per line (cells are 2+ spaces apart)."""
    return [re.split(r"\s{2,}", line.strip()) for line in output.splitlines() if line.strip()]


def _pod(namespace: str, name: str, containers: list[str], status: Obj) -> Obj:
    spec = {"containers": [{"name": c, "image": "nginx:1.25"} for c in containers]}
    meta = {"name": name, "namespace": namespace}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def _running(name: str, restarts: int, finished: str | None = None) -> Obj:
    status: Obj = {"name": name, "ready": True, "restartCount": restarts}
    status["state"] = {"running": {"startedAt": _ago(AGE)}}
    if finished:
        status["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": finished}}
    return status


@pytest.fixture
def kubectl(kube_emulator: KubeEmulator, tmp_path: Path) -> Kubectl:
    """kubectl on the test's emulator, with pods, a Deployment and two DevOpsPolicies seeded."""
    for namespace in ("team-a", "team-b", "shop"):
        kube_emulator.thread.seed_namespace(namespace)
    web = _pod("team-a", "web-1", ["app", "sidecar"], {"phase": "Running", "podIP": "10.0.0.5"})
    web["spec"]["nodeName"] = "node-1"
    web["metadata"]["labels"] = {"app": "web", "tier": "front"}
    finished = _ago(datetime.timedelta(minutes=20, seconds=10))
    web["status"]["containerStatuses"] = [_running("app", 3, finished), _running("sidecar", 0)]
    crash = _pod("team-a", "crash-1", ["app"], {"phase": "Running"})
    crash["metadata"]["labels"] = {"app": "crash"}
    waiting = {"waiting": {"reason": "CrashLoopBackOff"}}
    crash["status"]["containerStatuses"] = [
        {"name": "app", "ready": False, "restartCount": 7, "state": waiting}
    ]
    for pod in (web, crash, _pod("team-b", "pending-1", ["app"], {"phase": "Pending"})):
        seed_aged(kube_emulator, "v1/pods", pod)
    seed_aged(kube_emulator, "apps/v1/deployments", DEPLOYMENT)
    seed_aged(kube_emulator, "v1/services", SERVICE)
    for policy in POLICIES:
        seed_aged(kube_emulator, "devops.stochastic.io/v1/devopspolicies", policy)
    seed_aged(kube_emulator, "v1/events", EVENT)
    return Kubectl(kube_emulator.kubeconfig, tmp_path / "kubectl-cache")


DEPLOYMENT: Obj = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {"name": "app", "image": "nginx:1.25"},
                    {"name": "sidecar", "image": "envoy:1.30"},
                ]
            },
        },
    },
    "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
}

SERVICE: Obj = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
        "type": "NodePort",
        "clusterIP": "10.96.0.10",
        "selector": {"app": "web", "tier": "front"},
        "ports": [{"port": 80, "nodePort": 30080}, {"port": 53, "protocol": "UDP"}],
    },
}

EVENT: Obj = {
    "apiVersion": "v1",
    "kind": "Event",
    "metadata": {"name": "strict.1", "namespace": "team-a"},
    "involvedObject": {"kind": "DevOpsPolicy", "name": "strict", "namespace": "team-a"},
    "type": "Warning",
    "reason": "Evaluated",
    "message": "9 violations across 2 pods ",
    "source": {"component": "kube-devops-reconcile"},
    "firstTimestamp": _ago(datetime.timedelta(hours=4, minutes=5)),
    "lastTimestamp": _ago(datetime.timedelta(minutes=20, seconds=10)),
    "count": 3,
}

POLICIES: list[Obj] = [
    {
        **policy_object("strict", "team-a", PolicySpec(enforcement_mode=EnforcementMode.ENFORCE)),
        "status": {"healthScore": 72, "classification": "Degraded", "violations": 9},
    },
    as_json(policy_object("audit-only", "team-b", PolicySpec())),  # spec: enforcementMode audit
]


def test_get_pods_in_all_namespaces(kubectl: Kubectl) -> None:
    assert cells(kubectl.ok("get", "pods", "-A")) == [
        ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ["team-a", "crash-1", "0/1", "CrashLoopBackOff", "7", "150m"],
        ["team-a", "web-1", "2/2", "Running", "3 (20m ago)", "150m"],
        ["team-b", "pending-1", "0/1", "Pending", "0", "150m"],
    ]


def test_get_po_short_name_wide_and_single(kubectl: Kubectl) -> None:
    assert cells(kubectl.ok("get", "po", "-n", "team-a", "-o", "wide")) == [
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE",
         "READINESS GATES"],
        ["crash-1", "0/1", "CrashLoopBackOff", "7", "150m", "<none>", "<none>", "<none>",
         "<none>"],
        ["web-1", "2/2", "Running", "3 (20m ago)", "150m", "10.0.0.5", "node-1", "<none>",
         "<none>"],
    ]  # fmt: skip
    assert kubectl.ok("get", "pod", "web-1", "-n", "team-a", "-o", "name") == "pod/web-1\n"


def test_get_dop_shows_the_crd_printer_columns(kubectl: Kubectl) -> None:
    lines = kubectl.ok("get", "dop", "-A").splitlines()
    assert lines[0] == "NAMESPACE   NAME         MODE      SCORE   CLASS      VIOLATIONS   AGE"
    assert cells("\n".join(lines[1:])) == [
        ["team-a", "strict", "enforce", "72", "Degraded", "9", "150m"],
        ["team-b", "audit-only", "audit", "150m"],  # no status yet: empty cells, as for real
    ]
    singular = kubectl.ok("get", "devopspolicy", "strict", "-n", "team-a", "-o", "name")
    assert singular == "devopspolicy.devops.stochastic.io/strict\n"
    full = kubectl.ok("get", "devopspolicies.devops.stochastic.io", "-n", "team-b", "-o", "name")
    assert full == "devopspolicy.devops.stochastic.io/audit-only\n"


def test_get_deploy_in_a_namespace(kubectl: Kubectl) -> None:
    assert cells(kubectl.ok("get", "deploy", "-n", "shop")) == [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        ["web", "2/3", "3", "2", "150m"],
    ]
    assert cells(kubectl.ok("get", "deployments.apps", "-n", "shop", "-o", "wide")) == [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        ["web", "2/3", "3", "2", "150m", "app,sidecar", "nginx:1.25,envoy:1.30", "app=web"],
    ]


def test_get_namespaces_and_the_all_category(kubectl: Kubectl) -> None:
    namespaces = cells(kubectl.ok("get", "ns"))
    assert namespaces[0] == ["NAME", "STATUS", "AGE"]
    names = [row[0] for row in namespaces[1:]]
    assert names == ["default", "kube-devops", "shop", "team-a", "team-b"]
    assert all(row[1] == "Active" for row in namespaces[1:])
    everything = kubectl.ok("get", "all", "-n", "shop", "-o", "name")
    assert everything == "service/web\ndeployment.apps/web\n"


def test_get_svc_wide(kubectl: Kubectl) -> None:
    assert cells(kubectl.ok("get", "svc", "-n", "shop", "-o", "wide")) == [
        ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"],
        ["web", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP,53/UDP", "150m",
         "app=web,tier=front"],
    ]  # fmt: skip


def test_api_resources_lists_short_names_and_categories(kubectl: Kubectl) -> None:
    rows = {row[0] + " " + row[-3]: row for row in cells(kubectl.ok("api-resources"))[1:]}
    assert rows["devopspolicies devops.stochastic.io/v1"] == [
        "devopspolicies", "dop", "devops.stochastic.io/v1", "true", "DevOpsPolicy"
    ]  # fmt: skip
    assert rows["pods v1"] == ["pods", "po", "v1", "true", "Pod"]
    assert rows["namespaces v1"] == ["namespaces", "ns", "v1", "false", "Namespace"]
    assert rows["deployments apps/v1"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert rows["leases coordination.k8s.io/v1"] == [
        "leases", "coordination.k8s.io/v1", "true", "Lease"
    ]  # fmt: skip
    ours = kubectl.ok("api-resources", "--categories=kube-devops", "-o", "name")
    assert ours == "devopspolicies.devops.stochastic.io\n"
    everything = kubectl.ok("api-resources", "--categories=all", "-o", "name").split()
    assert sorted(everything) == [
        "cronjobs.batch", "daemonsets.apps", "deployments.apps", "jobs.batch", "pods",
        "replicasets.apps", "services", "statefulsets.apps",
    ]  # fmt: skip


def test_get_watch_prints_a_row_per_change(kubectl: Kubectl, kube_emulator: KubeEmulator) -> None:
    command = kubectl.command("get", "dop", "-n", "team-a", "--watch")
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as watcher:
        guard = threading.Timer(30, watcher.kill)  # a hung kubectl must not hang the test
        guard.start()
        try:
            assert watcher.stdout is not None
            seen = [watcher.stdout.readline(), watcher.stdout.readline()]
            status = {"status": {"healthScore": 95, "classification": "Healthy", "violations": 1}}
            kube_emulator.custom.patch_namespaced_custom_object_status(
                "devops.stochastic.io", "v1", "team-a", "devopspolicies", "strict", status
            )
            seen.append(watcher.stdout.readline())
        finally:
            guard.cancel()
            watcher.terminate()
    assert cells("".join(seen)) == [
        ["NAME", "MODE", "SCORE", "CLASS", "VIOLATIONS", "AGE"],
        ["strict", "enforce", "72", "Degraded", "9", "150m"],
        ["strict", "enforce", "95", "Healthy", "1", "150m"],
    ]


@pytest.mark.parametrize(
    ("selection", "names"),
    [
        (["-l", "app=web"], "pod/web-1\n"),
        (["-l", "app in (web,crash),app!=crash"], "pod/web-1\n"),
        (["-l", "tier"], "pod/web-1\n"),
        (["-l", "!tier"], "pod/crash-1\npod/pending-1\n"),
        (["--field-selector", "status.phase=Pending"], "pod/pending-1\n"),
        (["--field-selector", "metadata.namespace=team-a,spec.nodeName!=node-1"], "pod/crash-1\n"),
    ],
)
def test_get_with_selectors(kubectl: Kubectl, selection: list[str], names: str) -> None:
    assert kubectl.ok("get", "pods", "-A", "-o", "name", *selection) == names


def test_get_events_prints_the_event_columns(kubectl: Kubectl) -> None:
    assert cells(kubectl.ok("get", "events", "-n", "team-a")) == [
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        ["20m", "Warning", "Evaluated", "devopspolicy/strict", "9 violations across 2 pods"],
    ]
    wide = cells(kubectl.ok("get", "ev", "-n", "team-a", "-o", "wide"))
    assert wide[0][-3:] == ["FIRST SEEN", "COUNT", "NAME"]
    assert wide[1][-5:] == [
        "kube-devops-reconcile", "9 violations across 2 pods", "4h5m", "3", "strict.1"
    ]  # fmt: skip


def test_explain_reads_the_crd_schema(kubectl: Kubectl) -> None:
    explained = kubectl.ok("explain", "dop.spec.enforcementMode")
    assert "FIELD: enforcementMode <string>" in explained
    assert "audit reports only; enforce patches workloads and denies at admission." in explained
