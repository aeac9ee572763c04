"""The notebook's ``state_file`` parameter refuses a sandbox that is gone or degraded, as
``verify --state-file`` does."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from kube_devops.notebook.session import StackParameters, StackSession

STATE = {"prometheus_url": "http://127.0.0.1:9", "kubeconfig": "k", "endpoints": {}}


def test_a_state_file_of_a_dead_sandbox_is_refused(tmp_path: Path) -> None:
    done = subprocess.Popen(["true"])
    done.wait()
    path = tmp_path / "state.json"
    path.write_text(json.dumps({**STATE, "pid": done.pid}))
    session = StackSession(StackParameters(state_file=str(path)))
    with pytest.raises(ValueError, match="no longer running") as caught:
        session.start()
    assert str(caught.value) == (
        f"state file {path}: the sandbox that wrote it (pid {done.pid}) is no longer running;"
        " start it again"
    )


def test_a_state_file_of_a_degraded_sandbox_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    down = {"webhook": {"up": False, "last_exit": "exited with 1"}}
    path.write_text(json.dumps({**STATE, "pid": os.getpid(), "processes": down,
                                "degraded": ["webhook"]}))  # fmt: skip
    session = StackSession(StackParameters(state_file=str(path)))
    with pytest.raises(ValueError, match=r"the sandbox reports webhook down \(webhook exited"):
        session.start()
