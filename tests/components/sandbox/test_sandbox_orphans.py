"""A sandbox killed with SIGKILL takes its processes with it (the kernel's parent-death signal),
and the next start cleans the directory (private keys inside) and the state file it left."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

from kube_devops.sandbox.pids import alive
from tests.components.sandbox.sandbox_support import kill_all, run_quick, sandbox_command
from tests.support.ports import free_block
from tests.support.waiting import wait_until


def _ready_state(process: subprocess.Popen[bytes], path: Path) -> dict[str, Any]:
    def written() -> bool:
        assert process.poll() is None, "the sandbox exited before it was ready"
        return path.exists()

    wait_until(written, 60, "the sandbox ready (its state file written)")
    found: dict[str, Any] = json.loads(path.read_text())
    return found


def test_a_killed_sandbox_leaves_no_process_and_its_state_is_cleaned(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    sandbox = subprocess.Popen(
        sandbox_command("--base-port", str(free_block(8)), "--state-file", str(state_file)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    pids: list[int] = []
    try:
        state = _ready_state(sandbox, state_file)
        pids = [p["pid"] for p in state["processes"].values()]
        workdir = Path(state["kubeconfig"]).parent
        assert len(pids) == 4
        assert all(alive(pid) for pid in pids)
        sandbox.send_signal(signal.SIGKILL)
        sandbox.wait(10)
        wait_until(lambda: not any(alive(pid) for pid in pids), 5, "every child gone")
        assert (workdir / "certs" / "tls.key").exists()  # left behind by the kill
        base = free_block(8)
        with socket.socket() as taken:  # so that the next start ends right after cleaning
            taken.bind(("127.0.0.1", base))
            taken.listen()
            done, _seconds = run_quick("--base-port", str(base), "--state-file", str(state_file))
    finally:
        sandbox.kill()
        sandbox.wait(10)
        kill_all(pids)
    lines = done.stderr.splitlines()
    assert f"cleaned stale sandbox state of dead pid {sandbox.pid}: removed {workdir}" in lines[0]
    assert lines[1] == (
        f"removed stale state file {state_file} (its sandbox, pid {sandbox.pid}, is gone)"
    )
    assert lines[2].startswith(f"kube-devops: error: port {base} (for watch) is already in use")
    assert not workdir.exists()
    assert not state_file.exists()
