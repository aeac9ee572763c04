"""``list pods`` (-n, -A, -o) and ``check -o json`` against the emulated API server."""

from __future__ import annotations

import json

import pytest
import yaml

from kube_devops.cli.main import main
from tests.support.emulator import KubeEmulator


def _pod(ns: str, name: str, phase: str, node: str | None) -> dict[str, object]:
    spec: dict[str, object] = {"containers": [{"name": "c", "image": "nginx:1.27.0"}]}
    if node:
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns},
        "spec": spec,
        "status": {"phase": phase},
    }


@pytest.fixture
def kubeconfig(kube_emulator: KubeEmulator) -> str:
    for pod in (
        _pod("shop", "web-1", "Running", "node-a"),
        _pod("dev", "scratch", "Pending", None),
        _pod("shop", "api-1", "Running", "node-b"),
    ):
        kube_emulator.thread.seed("v1/pods", pod)
    return str(kube_emulator.kubeconfig)


def test_list_pods_all_namespaces_table(
    kubeconfig: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "pods", "-A", "--kubeconfig", kubeconfig]) == 0
    assert capsys.readouterr().out == (
        "NAMESPACE  NAME     STATUS   NODE\n"
        "dev        scratch  Pending  Not Scheduled\n"
        "shop       api-1    Running  node-b\n"
        "shop       web-1    Running  node-a\n"
        "Total: 3 pods\n"
    )


def test_list_pods_one_namespace_drops_the_namespace_column(
    kubeconfig: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "pods", "-n", "shop", "--kubeconfig", kubeconfig]) == 0
    assert capsys.readouterr().out == (
        "NAME   STATUS   NODE\napi-1  Running  node-b\nweb-1  Running  node-a\nTotal: 2 pods\n"
    )


def test_list_pods_json_and_yaml(kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "pods", "-n", "dev", "-o", "json", "--kubeconfig", kubeconfig]) == 0
    expected = [
        {"namespace": "dev", "name": "scratch", "status": "Pending", "node": "Not Scheduled"}
    ]
    assert json.loads(capsys.readouterr().out) == expected
    assert main(["list", "pods", "-n", "dev", "-o", "yaml", "--kubeconfig", kubeconfig]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == expected


def test_list_pods_empty_namespace(kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "pods", "-n", "nothing-here", "--kubeconfig", kubeconfig]) == 0
    assert capsys.readouterr().out == "No pods found.\n"


def test_check_json(kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = str(kube_emulator.kubeconfig)
    assert main(["check", "-o", "json", "--kubeconfig", kubeconfig]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is True
    assert [(c["label"], c["state"]) for c in data["checks"]] == [
        ("Configuration", "OK"),
        ("Cluster connection", "OK"),
        ("List pods (all namespaces)", "OK"),
        ("Leases in kube-devops", "OK"),
        ("DevOpsPolicy resources", "OK"),
    ]
    assert data["checks"][0]["detail"] == f"kubeconfig {kubeconfig}"


def test_check_json_without_a_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    missing = "/nonexistent/kubeconfig"
    assert main(["check", "-o", "json", "--kubeconfig", missing]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False
    assert [(c["label"], c["state"]) for c in data["checks"]] == [("Configuration", "FAIL")]
