"""What a killed sandbox leaves behind, found and cleaned at the next start.

Every sandbox directory (``kube-devops-sandbox-*`` in the temporary folder, mode 0700: it holds
the webhook's and the control plane's private keys) carries ``owner.json`` with the pid and start
time of the process that made it. A directory whose owner is dead is stale: the processes whose
command line names it are killed and it is removed. A state file whose sandbox is dead is
removed too; one whose sandbox still runs is refused (two sandboxes, one state file).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from kube_devops.sandbox.pids import alive, mentioning, start_ticks

PREFIX = "kube-devops-sandbox-"
OWNER_FILE = "owner.json"


class StateFileInUseError(RuntimeError):
    """The state file belongs to a sandbox that still runs."""


def owner() -> dict[str, int | None]:
    """This process as the owner of a sandbox (``pid`` and ``pid_start``)."""
    return {"pid": os.getpid(), "pid_start": start_ticks(os.getpid())}


def make_workdir() -> Path:
    """A new 0700 sandbox directory claimed by this process."""
    workdir = Path(tempfile.mkdtemp(prefix=PREFIX))
    workdir.chmod(0o700)
    (workdir / OWNER_FILE).write_text(json.dumps(owner()))
    return workdir


def _owner_alive(data: object) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
        return False
    started = data.get("pid_start")
    return alive(data["pid"], started if isinstance(started, int) else None)


def clean_stale_workdirs(parent: Path | None = None) -> list[str]:
    """Kill what runs from, and remove, every sandbox directory whose owner is dead; one line
    per directory cleaned."""
    lines = []
    for workdir in sorted(Path(parent or tempfile.gettempdir()).glob(f"{PREFIX}*")):
        try:
            data = json.loads((workdir / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not ours to judge: no owner recorded
        if _owner_alive(data):
            continue
        killed = [pid for pid in mentioning(f"{workdir}{os.sep}") if _kill(pid)]
        _wait_gone(killed, 3.0)  # their ports are free once they are gone
        shutil.rmtree(workdir, ignore_errors=True)
        lines.append(
            f"cleaned stale sandbox state of dead pid {data.get('pid')}: removed {workdir}"
            f" and stopped {len(killed)} leftover process(es)"
        )
    return lines


def _wait_gone(pids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)


def _kill(pid: int) -> bool:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
        return True
    return False


def claim_state_file(path: Path) -> str | None:
    """Make ``path`` free for this sandbox: StateFileInUseError when its sandbox still runs;
    a stale one is removed and the line saying so returned."""
    try:
        data = json.loads(path.read_text())
    except OSError:
        return None
    except ValueError:
        data = None
    if _owner_alive(data):
        assert isinstance(data, dict)
        raise StateFileInUseError(
            f"--state-file {path}: written by a sandbox that still runs (pid {data['pid']}); "
            "stop it first or give another --state-file"
        )
    path.unlink(missing_ok=True)
    pid = data.get("pid") if isinstance(data, dict) else None
    if pid is None:
        return f"removed stale state file {path} (it names no running sandbox)"
    return f"removed stale state file {path} (its sandbox, pid {pid}, is gone)"
