"""A sandbox start on a busy port, or an out-of-range base port, is refused before anything
starts: exit 2 within seconds, one line naming the port and ``--base-port``, nothing left."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.components.sandbox.sandbox_support import run_quick
from tests.support.ports import free_block


def test_a_busy_port_of_the_block_fails_the_start_within_seconds(tmp_path: Path) -> None:
    base, state = free_block(8), tmp_path / "state.json"
    with socket.socket() as taken:  # Prometheus's port (base + 3) is held by someone else
        taken.bind(("127.0.0.1", base + 3))
        taken.listen()
        done, seconds = run_quick("--base-port", str(base), "--state-file", str(state))
    assert done.returncode == 2, done.stderr
    assert seconds < 10
    assert done.stderr == (
        f"kube-devops: error: port {base + 3} (for Prometheus) is already in use (Address already"
        " in use); stop what listens there, or give the sandbox other ports with --base-port N"
        " (N..N+7 free) or --base-port 0 (free ports)\n"
    )
    assert done.stdout == ""
    assert not state.exists()


def test_an_out_of_range_base_port_is_refused_before_anything_starts() -> None:
    done, seconds = run_quick("--base-port", "65530")
    assert done.returncode == 2
    assert seconds < 10
    assert done.stderr == (
        "kube-devops: error: --base-port: base port 65530: the sandbox needs 8 ports from it\n"
    )
