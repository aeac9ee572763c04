"""The supervisor: a killed child is reported at once (status, log line with the exit code and
the log's last line) and started again after its backoff; delays double up to a cap."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube_devops.sandbox.supervisor import Backoff, Status, Supervisor, last_line
from tests.support.waiting import wait_until


class Sleeper:
    """A child process (``sleep``) with a log file, as the supervisor sees a component."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.log_path.write_text("starting\nlistening on 127.0.0.1:1\n")
        self.process = subprocess.Popen(["sleep", "60"])
        self.spawned = 1

    def respawn(self) -> None:
        self.process = subprocess.Popen(["sleep", "60"])
        self.spawned += 1

    def ready(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 1500) -> str:
        return self.log_path.read_text()[-chars:]

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def sleeper(tmp_path: Path) -> Iterator[Sleeper]:
    child = Sleeper(tmp_path / "child.log")
    yield child
    child.close()


def test_backoff_doubles_up_to_its_cap() -> None:
    delays = [Backoff(first=1.0, cap=30.0).delay(n) for n in range(7)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_last_line_skips_blank_lines() -> None:
    assert last_line("a\nbind: address already in use\n\n") == "bind: address already in use"
    assert last_line("") == "(empty log)"


def test_a_killed_child_is_reported_then_restarted(sleeper: Sleeper) -> None:
    said: list[str] = []
    seen: list[dict[str, bool]] = []
    lock = threading.Lock()

    def on_change(status: dict[str, Status]) -> None:
        with lock:
            seen.append({name: s.up for name, s in status.items()})

    backoff = Backoff(first=1.5, cap=5.0)
    supervisor = Supervisor({"watch": sleeper}, on_change, said.append, backoff).start()
    try:
        first_pid = sleeper.process.pid
        sleeper.process.send_signal(signal.SIGKILL)
        wait_until(lambda: {"watch": False} in seen, 1.0, "the death reported")
        status = supervisor.status["watch"]
        assert status.last_exit == "exited with -9; its log ends with: listening on 127.0.0.1:1"
        assert said[0] == f"watch (pid {first_pid}) {status.last_exit}; restarting in 1.5s"
        assert sleeper.spawned == 1  # not before its backoff
        wait_until(lambda: seen[-1] == {"watch": True}, 3.0, "the child back")
        assert sleeper.spawned == 2
        assert status.pid == sleeper.process.pid != first_pid
        assert status.restarts == 1
        assert said[-1] == f"watch is back (pid {status.pid}) after 1 restart(s)"
    finally:
        supervisor.stop()


def test_a_held_child_is_left_down(tmp_path: Path) -> None:
    held, other = Sleeper(tmp_path / "held.log"), Sleeper(tmp_path / "other.log")
    said: list[str] = []
    children = {"webhook": held, "watch": other}
    supervisor = Supervisor(children, lambda _s: None, said.append).start()
    try:
        supervisor.hold("webhook")
        held.close()
        other.process.kill()
        # the pass that sees watch dead has looked at webhook just before it
        wait_until(lambda: said, 2.0, "the other child's death reported")
        assert [line.split(" ")[0] for line in said] == ["watch"]
        assert supervisor.status["webhook"].up is True
        assert held.spawned == 1
    finally:
        supervisor.stop()
        other.close()


def test_a_watched_process_is_reported_but_not_restarted(tmp_path: Path) -> None:
    program, child = Sleeper(tmp_path / "etcd.log"), Sleeper(tmp_path / "watch.log")
    said: list[str] = []
    supervisor = Supervisor(
        {"watch": child}, lambda _s: None, said.append, Backoff(first=0.2), {"etcd": program}
    ).start()
    try:
        pid = program.process.pid
        program.process.kill()
        wait_until(lambda: said, 2.0, "the death reported")
        assert said == [
            f"etcd (pid {pid}) exited with -9; its log ends with: listening on 127.0.0.1:1;"
            " not restarted"
        ]
        child.process.kill()  # a restartable child's restart shows time has passed
        wait_until(lambda: child.spawned == 2, 3.0, "the other child restarted")
        assert program.spawned == 1
        assert supervisor.status["etcd"].up is False
    finally:
        supervisor.stop()
        program.close()
        child.close()
