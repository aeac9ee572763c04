"""Run ``kube-devops sandbox`` as a real process, and find what a run left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kube_devops.sandbox.pids import alive


def sandbox_command(*args: str) -> list[str]:
    """The command line of ``kube-devops sandbox ARGS``."""
    return [sys.executable, "-m", "kube_devops", "sandbox", *args]


def run_quick(*args: str, within: float = 20.0) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run a sandbox start expected to end on its own; returns it and how long it took."""
    began = time.monotonic()
    done = subprocess.run(
        sandbox_command(*args), capture_output=True, text=True, timeout=within, check=False
    )
    return done, time.monotonic() - began


def workdirs_of(pid: int) -> list[Path]:
    """Sandbox directories claimed by process ``pid``."""
    found = []
    for workdir in Path(tempfile.gettempdir()).glob("kube-devops-sandbox-*"):
        try:
            owner: dict[str, Any] = json.loads((workdir / "owner.json").read_text())
        except (OSError, ValueError):
            continue
        if owner.get("pid") == pid:
            found.append(workdir)
    return found


def kill_all(pids: list[int]) -> None:
    """SIGKILL whatever of ``pids`` still runs (test clean-up)."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
