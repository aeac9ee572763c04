"""``kube-devops reconcile`` as a process: flags, ready after the first cycle, SIGTERM exit 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request

from kube_devops.sandbox.emulator import Hold
from tests.components.reconcile.reconcile_support import POLICIES, Cluster, samples
from tests.support.emulator import KubeEmulator
from tests.support.waiting import wait_until


def _port_from_logs(proc: subprocess.Popen[str]) -> int:
    assert proc.stderr is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        record = json.loads(line)
        if record.get("msg") == "listening":
            return int(record["port"])
    raise AssertionError("the operator never logged 'listening'")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code


def _command(kube_emulator: KubeEmulator) -> list[str]:
    return [sys.executable, "-m", "kube_devops", "reconcile", "--port", "0",
            "--host", "127.0.0.1", "--interval", "1", "--kubeconfig",
            str(kube_emulator.kubeconfig)]  # fmt: skip


def _seed_policy(kube_emulator: KubeEmulator) -> Cluster:
    cluster = Cluster(kube_emulator)
    policy = samples("sample-devopspolicy.yaml")[0]
    policy["metadata"]["namespace"] = "default"
    cluster.seed(POLICIES, policy)
    return cluster


def _stop(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(15)
    assert proc.stderr is not None
    proc.stderr.read()
    return code


def test_cli_serves_becomes_ready_and_stops_on_sigterm(kube_emulator: KubeEmulator) -> None:
    cluster = _seed_policy(kube_emulator)
    with subprocess.Popen(_command(kube_emulator), stderr=subprocess.PIPE, text=True) as proc:
        try:
            port = _port_from_logs(proc)
            wait_until(
                lambda: _get(f"http://127.0.0.1:{port}/readyz") == 200, 10, "ready", every=0.1
            )
            assert _get(f"http://127.0.0.1:{port}/healthz") == 200
            status = cluster.policy("default", "default-policy")["status"]
            assert status["healthScore"] == 100  # no pods in default
        finally:
            code = _stop(proc)
    assert code == 0


def test_reconcile_readyz_when_not_ready(kube_emulator: KubeEmulator) -> None:
    """503 while the first cycle cannot finish (its pod listing is held), 200 once it has."""
    cluster = _seed_policy(kube_emulator)
    hold = Hold()
    path = "/api/v1/namespaces/default/pods"  # the policy's evaluation lists these pods
    kube_emulator.thread.call(lambda e: e["get", path] << hold)
    with subprocess.Popen(_command(kube_emulator), stderr=subprocess.PIPE, text=True) as proc:
        try:
            port = _port_from_logs(proc)
            assert hold.arrived.wait(10), "the first cycle never listed the policy's pods"
            ready_while_held = _get(f"http://127.0.0.1:{port}/readyz")
            status_while_held = cluster.policy("default", "default-policy").get("status")
            hold.release()
            wait_until(
                lambda: _get(f"http://127.0.0.1:{port}/readyz") == 200,
                10,
                "ready after the release",
                every=0.05,
            )
            status = cluster.policy("default", "default-policy")["status"]
        finally:
            hold.release()
            code = _stop(proc)
    assert ready_while_held == 503
    assert status_while_held is None  # nothing evaluated yet
    assert status["healthScore"] == 100  # no pods in default
    assert code == 0


def test_cli_rejects_a_bad_interval() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kube_devops", "reconcile", "--interval", "0"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "'0' is not a positive number of seconds" in result.stderr
