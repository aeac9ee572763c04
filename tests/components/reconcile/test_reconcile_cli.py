"""``kube-devops reconcile`` as a process: flags, ready after the first cycle, SIGTERM exit 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request

from reconcile_support import POLICIES, Cluster, samples
from support.emulator import KubeEmulator


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


def test_cli_serves_becomes_ready_and_stops_on_sigterm(kube_emulator: KubeEmulator) -> None:
    cluster = Cluster(kube_emulator)
    policy = samples("sample-devopspolicy.yaml")[0]
    policy["metadata"]["namespace"] = "default"
    cluster.seed(POLICIES, policy)
    command = [sys.executable, "-m", "kube_devops", "reconcile", "--port", "0",
               "--host", "127.0.0.1", "--interval", "1", "--kubeconfig",
               str(kube_emulator.kubeconfig)]  # fmt: skip
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as proc:
        try:
            port = _port_from_logs(proc)
            deadline = time.monotonic() + 10
            while _get(f"http://127.0.0.1:{port}/readyz") != 200:
                assert time.monotonic() < deadline, "not ready within 10 s"
                time.sleep(0.1)
            assert _get(f"http://127.0.0.1:{port}/healthz") == 200
            status = cluster.policy("default", "default-policy")["status"]
            assert status["healthScore"] == 100  # no pods in default
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(15)
            assert proc.stderr is not None
            proc.stderr.read()
    assert code == 0


def test_cli_rejects_a_bad_interval() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kube_devops", "reconcile", "--interval", "0"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "'0' is not a positive number of seconds" in result.stderr
