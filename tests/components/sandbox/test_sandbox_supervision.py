"""A running sandbox supervises its processes: a component killed with SIGKILL is reported at
once (the state file marks it down and ``verify --state-file`` refuses it), then comes back
after its backoff as a new process answering ``/healthz`` on its port. A second sandbox on the
first one's ports is refused instead of reporting the first one's components as its own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.pids import listens
from kube_devops.sandbox.settings import SandboxSettings
from kube_devops.sandbox.supervisor import Backoff
from tests.components.sandbox.sandbox_support import run_quick
from tests.support.waiting import wait_until

BACKOFF = 4.0


@pytest.fixture(scope="module")
def state_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("sandbox") / "state.json"
    settings = SandboxSettings(base_port=0, state_file=path, backoff=Backoff(first=BACKOFF))
    with Sandbox(settings):
        yield path


def _state(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text())
    return found


def test_a_second_sandbox_on_the_same_ports_is_refused(state_file: Path) -> None:
    watch_port = int(_state(state_file)["endpoints"]["watch"].rsplit(":", 1)[1])
    done, seconds = run_quick("--base-port", str(watch_port))
    assert done.returncode == 2
    assert seconds < 10
    assert done.stderr.startswith(
        f"kube-devops: error: port {watch_port} (for watch) is already in use"
    )
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""


def _verify(state_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kube_devops", "verify", "--state-file", str(state_file)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_killed_component_is_reported_then_restarted(state_file: Path) -> None:
    before = _state(state_file)
    assert before["degraded"] == []
    pid = before["processes"]["watch"]["pid"]
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: _state(state_file)["degraded"] == ["watch"], 2.0, "watch reported down")
    snapshot = _state(state_file)
    down = snapshot["processes"]["watch"]
    assert down["up"] is False
    assert down["last_exit"].startswith("exited with -9; its log ends with: ")
    # verify reads the file as it was while watch was down (the restart may come first)
    seen_down = state_file.with_name("seen-down.json")
    seen_down.write_text(json.dumps(snapshot))
    refused = _verify(seen_down)
    assert refused.returncode == 2
    assert f"--state-file {seen_down}: the sandbox reports watch down" in refused.stderr
    wait_until(lambda: _state(state_file)["degraded"] == [], BACKOFF + 15, "watch back")
    back = _state(state_file)["processes"]["watch"]
    assert back["pid"] != pid
    assert back["restarts"] == 1
    url = _state(state_file)["endpoints"]["watch"]
    with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:
        assert answer.status == 200
    assert listens(back["pid"], int(url.rsplit(":", 1)[1])) is True
