"""The sandbox state file: ``api`` always, the real API's extra fields only when set."""

from __future__ import annotations

import json
from pathlib import Path

from kube_devops.sandbox.state import SandboxState

ENDPOINTS = {"watch": "http://127.0.0.1:1", "reconcile": "http://127.0.0.1:2"}


def test_emulated_state_has_api_and_no_real_fields(tmp_path: Path) -> None:
    path = SandboxState("http://127.0.0.1:9", "/k", ENDPOINTS).write(tmp_path / "s.json")
    assert json.loads(path.read_text()) == {
        "api": "emulated",
        "prometheus_url": "http://127.0.0.1:9",
        "kubeconfig": "/k",
        "endpoints": ENDPOINTS,
    }


def test_real_state_round_trips(tmp_path: Path) -> None:
    state = SandboxState(
        "http://127.0.0.1:9", "/w/admin.kubeconfig", ENDPOINTS, api="real",
        components_kubeconfig="/w/components.kubeconfig", etcd_url="http://127.0.0.1:7",
        kubectl="/cache/kubectl",
    )  # fmt: skip
    read = SandboxState.read(state.write(tmp_path / "s.json"))
    assert read == state
    assert json.loads((tmp_path / "s.json").read_text())["etcd_url"] == "http://127.0.0.1:7"


def test_a_state_file_without_api_is_emulated(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"prometheus_url": "p", "kubeconfig": "k", "endpoints": {}}))
    assert SandboxState.read(path).api == "emulated"
