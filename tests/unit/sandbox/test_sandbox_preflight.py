"""Before it says ready the sandbox confirms each process is alive and is the one listening on
its port: another program answering on a component's port is refused, naming both."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube_devops.sandbox.free_ports import free_block
from kube_devops.sandbox.pids import listens
from kube_devops.sandbox.preflight import confirm_own
from tests.support.waiting import wait_until


class Program:
    """A process with a log, as :func:`confirm_own` sees one."""

    def __init__(self, argv: list[str], log_path: Path) -> None:
        self.log_path = log_path
        log_path.write_text("listening\n")
        self.process = subprocess.Popen(argv)

    def log_tail(self, chars: int = 1500) -> str:
        return self.log_path.read_text()[-chars:]


@pytest.fixture
def sleeper(tmp_path: Path) -> Iterator[Program]:
    program = Program(["sleep", "60"], tmp_path / "watch.log")
    yield program
    program.process.kill()
    program.process.wait()


def test_a_port_answered_by_another_process_is_refused(sleeper: Program) -> None:
    with socket.socket() as impostor:  # this test process holds the port, not the sleeper
        impostor.bind(("127.0.0.1", 0))
        impostor.listen()
        port = impostor.getsockname()[1]
        with pytest.raises(RuntimeError) as caught:
            confirm_own({"watch": (sleeper, port)})
    assert str(caught.value) == (
        f"port {port} is answered by another process, not this sandbox's watch "
        f"(pid {sleeper.process.pid}); give other ports with --base-port"
    )


def test_a_process_that_exited_is_refused_with_its_last_log_line(tmp_path: Path) -> None:
    program = Program(["false"], tmp_path / "prometheus.log")
    program.process.wait(10)
    with pytest.raises(RuntimeError) as caught:
        confirm_own({"prometheus": (program, None)})
    assert str(caught.value) == (
        f"prometheus (pid {program.process.pid}) exited with 1; its log ends: listening"
    )


def test_a_process_listening_on_its_own_port_passes(tmp_path: Path) -> None:
    port = free_block(1)
    serve = f"import socket, time; s = socket.socket(); s.bind(('127.0.0.1', {port})); "
    serve += "s.listen(); time.sleep(60)"
    program = Program([sys.executable, "-c", serve], tmp_path / "webhook.log")
    try:
        wait_until(lambda: listens(program.process.pid, port), 10.0, "the child listening")
        confirm_own({"webhook": (program, port)})  # raises when it does not listen there
    finally:
        program.process.kill()
        program.process.wait()
