"""What a killed sandbox leaves behind: its directory (0700, private keys inside) and leftover
processes are cleaned at the next start when the owner is dead, never while it lives; a state
file of a dead sandbox is removed, one of a live sandbox refused; verify refuses a state file
whose sandbox is dead or degraded."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube_devops.sandbox.pids import alive, listens, mentioning, start_ticks
from kube_devops.sandbox.stale import (
    OWNER_FILE,
    StateFileInUseError,
    claim_state_file,
    clean_stale_workdirs,
    make_workdir,
)
from kube_devops.sandbox.state import read_usable, unusable_reason
from tests.support.waiting import wait_until


@pytest.fixture
def dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def _workdir(parent: Path, name: str, owner: dict[str, int | None] | None) -> Path:
    workdir = parent / f"kube-devops-sandbox-{name}"
    (workdir / "certs").mkdir(parents=True)
    (workdir / "certs" / "tls.key").write_text("private")
    if owner is not None:
        (workdir / OWNER_FILE).write_text(json.dumps(owner))
    return workdir


@pytest.fixture
def leftover(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process whose command line names the dead sandbox's directory (as a component's
    --kubeconfig does)."""
    workdir = tmp_path / "kube-devops-sandbox-dead"
    script = "import sys, time; time.sleep(60)"
    process = subprocess.Popen([sys.executable, "-c", script, str(workdir / "kubeconfig")])
    # /proc shows the new command line a moment after the start
    wait_until(lambda: process.pid in mentioning(str(workdir)), 5.0, "the command line shown")
    yield process
    process.kill()
    process.wait()


def test_a_dead_owners_directory_and_processes_are_cleaned(
    tmp_path: Path, dead_pid: int, leftover: subprocess.Popen[bytes]
) -> None:
    dead = _workdir(tmp_path, "dead", {"pid": dead_pid, "pid_start": None})
    live = _workdir(tmp_path, "live", {"pid": os.getpid(), "pid_start": start_ticks(os.getpid())})
    unknown = _workdir(tmp_path, "unknown", None)
    lines = clean_stale_workdirs(tmp_path)
    assert lines == [
        f"cleaned stale sandbox state of dead pid {dead_pid}: removed {dead} and stopped 1"
        " leftover process(es)"
    ]
    assert not dead.exists()
    assert live.exists()
    assert unknown.exists()
    wait_until(lambda: leftover.poll() is not None, 3.0, "the leftover process killed")


def test_a_reused_pid_does_not_keep_a_directory(tmp_path: Path) -> None:
    # our own pid, but a start time that is not ours: the owner died and the pid was reused
    started = start_ticks(os.getpid())
    assert started is not None
    _workdir(tmp_path, "reused", {"pid": os.getpid(), "pid_start": started - 1})
    assert len(clean_stale_workdirs(tmp_path)) == 1


def test_a_new_workdir_is_private_and_owned(tmp_path: Path) -> None:
    workdir = make_workdir()
    try:
        assert stat.S_IMODE(workdir.stat().st_mode) == 0o700
        owner = json.loads((workdir / OWNER_FILE).read_text())
        assert owner == {"pid": os.getpid(), "pid_start": start_ticks(os.getpid())}
    finally:
        (workdir / OWNER_FILE).unlink()
        workdir.rmdir()


def test_a_state_file_of_a_live_sandbox_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"pid": os.getpid(), "prometheus_url": "http://127.0.0.1:9"}))
    with pytest.raises(StateFileInUseError, match=rf"still runs \(pid {os.getpid()}\)"):
        claim_state_file(path)
    assert path.exists()


def test_a_state_file_of_a_dead_sandbox_is_removed(tmp_path: Path, dead_pid: int) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"pid": dead_pid, "prometheus_url": "http://127.0.0.1:9"}))
    assert claim_state_file(path) == (
        f"removed stale state file {path} (its sandbox, pid {dead_pid}, is gone)"
    )
    assert not path.exists()
    assert claim_state_file(path) is None
    path.write_text(json.dumps({"prometheus_url": "http://127.0.0.1:9"}))  # an older sandbox's
    assert claim_state_file(path) == (
        f"removed stale state file {path} (it names no running sandbox)"
    )


def test_verify_refuses_a_dead_or_degraded_sandbox(tmp_path: Path, dead_pid: int) -> None:
    assert unusable_reason({"pid": dead_pid}) == (
        f"the sandbox that wrote it (pid {dead_pid}) is no longer running; start it again"
    )
    down = {"pid": os.getpid(), "degraded": ["watch"],
            "processes": {"watch": {"up": False, "last_exit": "exited with -9"}}}  # fmt: skip
    assert unusable_reason(down) == (
        "the sandbox reports watch down (watch exited with -9); it restarts them with backoff:"
        " try again in a few seconds"
    )
    assert unusable_reason({"pid": os.getpid(), "degraded": []}) is None
    path = tmp_path / "s.json"
    path.write_text(json.dumps({**down, "prometheus_url": "p", "kubeconfig": "k", "endpoints": {}}))
    with pytest.raises(ValueError, match=r"state file .*s\.json: the sandbox reports watch down"):
        read_usable(path)


def test_alive_and_listens_tell_processes_apart(dead_pid: int) -> None:
    assert alive(os.getpid())
    assert not alive(dead_pid)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert listens(os.getpid(), port) is True
        sleeper = subprocess.Popen(["sleep", "30"])
        try:
            assert listens(sleeper.pid, port) is False
        finally:
            sleeper.kill()
            sleeper.wait()
