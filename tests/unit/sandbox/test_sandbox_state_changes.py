"""A verify run over a sandbox trusts its result only when the sandbox stayed whole: a process
the state file lists as up but whose pid is gone is down, and a process replaced between the
start and the end of the run voids it."""

from __future__ import annotations

import os
import subprocess

import pytest

from kube_devops.sandbox.state import changed_during, unusable_reason


@pytest.fixture
def dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def _state(**processes: int) -> dict[str, object]:
    listed = {name: {"pid": pid, "up": True, "restarts": 0} for name, pid in processes.items()}
    return {"pid": os.getpid(), "degraded": [], "processes": listed}


def test_a_process_listed_up_whose_pid_is_gone_is_down(dead_pid: int) -> None:
    # the supervisor polls; a reader may come between the death and the state file's rewrite
    reason = unusable_reason(_state(watch=dead_pid, webhook=os.getpid()))
    assert reason == (
        "the sandbox reports watch down (watch down); it restarts them with backoff: try again"
        " in a few seconds"
    )


def test_a_process_replaced_during_the_run_voids_it() -> None:
    parent = os.getppid()
    before, after = _state(watch=os.getpid()), _state(watch=parent)
    assert changed_during(before, after) == (
        f"watch (pid {os.getpid()} -> {parent}) restarted during the run; run it again"
    )


def test_a_sandbox_that_stayed_whole_keeps_the_result(dead_pid: int) -> None:
    same = _state(watch=os.getpid(), webhook=os.getppid())
    assert changed_during(same, dict(same)) is None
    assert changed_during(same, _state(watch=dead_pid)) is not None
