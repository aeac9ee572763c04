"""``kube-devops check`` and ``kube-devops list pods`` against the emulator."""

from __future__ import annotations

import socket
from pathlib import Path

import kmock
import pytest
from kubernetes import client

from kube_devops.cli.main import main
from kube_devops.sandbox.emulator import once, write_kubeconfig
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body


def test_check_passes_on_a_reachable_cluster(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--kubeconfig", str(kube_emulator.kubeconfig)]) == 0
    out = capsys.readouterr().out
    assert "Cluster connection" in out
    assert "OK (v1.37.2+kube-devops-emulator)" in out
    assert "List pods (all namespaces) ........ OK" in out
    assert out.rstrip().endswith("All checks passed.")


def test_check_names_the_missing_permission(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    leases = kmock.resource("coordination.k8s.io/v1/leases")
    kube_emulator.thread.call(lambda e: e[kmock.action.LIST, leases] << once(403, "forbidden"))
    assert main(["check", "--kubeconfig", str(kube_emulator.kubeconfig)]) == 1
    out = capsys.readouterr().out
    assert "Leases in kube-devops ............. FAIL" in out
    assert "grant it in the ClusterRole" in out
    assert out.rstrip().endswith("FAILED: Leases in kube-devops")


def test_check_fails_when_the_cluster_is_unreachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{port}")
    assert main(["check", "--kubeconfig", str(config)]) == 1
    out = capsys.readouterr().out
    assert "Cluster connection ................ FAIL" in out
    assert "cannot reach the API server" in out


def test_check_fails_without_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--kubeconfig", str(tmp_path / "missing")]) == 1
    assert "Configuration ..................... FAIL" in capsys.readouterr().out


def test_list_pods_table(kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    kube_emulator.thread.seed_namespace("team-a")
    for namespace, name, node in (("team-a", "web", "node-1"), ("default", "db", None)):
        spec: dict[str, object] = {"containers": [{"name": "app", "image": "nginx:1"}]}
        if node:
            spec["nodeName"] = node
        pod = {"metadata": {"name": name}, "spec": spec, "status": {"phase": "Running"}}
        kube_emulator.core.create_namespaced_pod(namespace, body(client.V1Pod, pod))
    assert main(["list", "pods", "--kubeconfig", str(kube_emulator.kubeconfig)]) == 0
    # columns as wide as their widest cell, two spaces apart (like kubectl get)
    assert capsys.readouterr().out.splitlines() == [
        "NAMESPACE  NAME  STATUS   NODE",
        "default    db    Running  Not Scheduled",
        "team-a     web   Running  node-1",
        "Total: 2 pods",
    ]


def test_list_rejects_other_resources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "nodes"]) == 2
    assert "unsupported resource 'nodes'; supported: pods" in capsys.readouterr().err
