"""``kube-devops webhook serve`` as a real process: JSON logs, HTTPS verdicts, SIGTERM exit 0."""

from __future__ import annotations

import json
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.components.webhook.webhook_support import make_certs
from tests.support.admission_data import policy_objects, review_body
from tests.support.emulator import KubeEmulator
from tests.support.waiting import wait_until

POLICIES = "devops.stochastic.io/v1/devopspolicies"


def _get(url: str, context: ssl.SSLContext, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, context=context, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def _listening_port(proc: subprocess.Popen[str]) -> tuple[int, list[dict[str, Any]]]:
    assert proc.stderr is not None
    records: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        assert line, f"the webhook exited early: {records}"
        records.append(json.loads(line))
        if records[-1]["msg"] == "listening":
            return int(records[-1]["port"]), records
    raise AssertionError(f"no 'listening' record: {records}")


def test_serve_process(kube_emulator: KubeEmulator, tmp_path: Path) -> None:
    kube_emulator.thread.seed_namespace("team-a")
    kube_emulator.thread.seed(POLICIES, policy_objects()["enforce-all"])
    ca = make_certs(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kube_devops", "webhook", "serve", "--addr", "127.0.0.1:0",
         "--tls-cert", str(tmp_path / "tls.crt"), "--tls-key", str(tmp_path / "tls.key"),
         "--kubeconfig", str(kube_emulator.kubeconfig), "--deny-severity", "medium"],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        port, _records = _listening_port(proc)
        context = ssl.create_default_context(cafile=str(ca))
        base = f"https://127.0.0.1:{port}"
        wait_until(lambda: _get(f"{base}/readyz", context)[0] == 200, 10, "ready", every=0.05)
        body = json.dumps(review_body("create-noncompliant")).encode()
        status, answer = _get(f"{base}/validate", context, body)
        unknown, _ = _get(f"{base}/nope", context)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        kube_emulator.thread.drop_watches()

    response = json.loads(answer)["response"]
    assert status == 200
    # deny-severity medium: latest (high) and liveness (medium) deny, readiness (low) warns
    assert [w.split("]")[0] for w in response["warnings"]] == [
        "DevOpsPolicy team-a/enforce-all (enforce): missing_readiness [low"
    ]
    assert response["status"]["code"] == 403
    assert unknown == 404
    assert proc.returncode == 0
    assert out == ""
    assert all(json.loads(line)["level"] in {"info", "warning"} for line in err.splitlines())
