"""The verify notebook in a real kernel: re-running the start cell keeps one sandbox, and
shutting the kernel down stops the sandbox's processes and removes its directory; a kernel
killed with SIGKILL takes them with it, and the directory it left is cleaned at the next start."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import KernelManager

from kube_devops.sandbox.pids import alive
from kube_devops.sandbox.stale import clean_stale_workdirs
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "verify_stack.ipynb"
REPORT_PIDS = (
    "import json; print('STATE=' + json.dumps("
    "{'workdir': str(session.sandbox.workdir), 'pids': session.sandbox.pids()}))"
)


def start_cells() -> list[str]:
    """The parameters cell and the start cell, as stored."""
    cells: list[dict[str, Any]] = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    index = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    return ["".join(cells[index]["source"]), "".join(cells[index + 1]["source"])]


def run(client: Any, code: str) -> str:
    """Execute ``code``; its stdout, or AssertionError with the error it raised."""
    out: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "error":
            out.append("\n".join(msg["content"]["traceback"]))

    reply = client.execute_interactive(code, timeout=180, output_hook=hook)
    assert reply["content"]["status"] == "ok", "".join(out)
    return "".join(out)


def state_of(output: str) -> dict[str, Any]:
    line = next(x for x in output.splitlines() if x.startswith("STATE="))
    found: dict[str, Any] = json.loads(line.removeprefix("STATE="))
    return found


@contextlib.contextmanager
def kernel(cwd: Path, *, now: bool) -> Iterator[Any]:
    """A started python3 kernel's client, ready; the kernel is shut down at the end (``now``:
    without asking it, so its exit hooks do not run)."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(cwd))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=now)


def all_gone(pids: list[int]) -> None:
    """Wait until none of ``pids`` runs any more."""
    wait_until(lambda: not [pid for pid in pids if alive(pid)], 5, f"processes {pids} gone")


def test_rerun_keeps_one_sandbox_and_kernel_shutdown_stops_it(tmp_path: Path) -> None:
    with kernel(tmp_path, now=False) as client:
        parameters, start = start_cells()
        run(client, parameters)
        run(client, start)
        first = state_of(run(client, REPORT_PIDS))
        assert "already started" in run(client, start)
        second = state_of(run(client, REPORT_PIDS))
        assert second == first
        assert len(first["pids"]) == 4  # three components and Prometheus
        assert all(alive(pid) for pid in first["pids"])
        assert Path(first["workdir"]).is_dir()
    all_gone(first["pids"])
    assert not Path(first["workdir"]).exists()


def test_a_killed_kernel_leaves_no_process_and_its_directory_is_cleaned(tmp_path: Path) -> None:
    with kernel(tmp_path, now=True) as client:
        parameters, start = start_cells()
        run(client, parameters)
        run(client, start)
        state = state_of(run(client, REPORT_PIDS))
        pid = int(run(client, "import os; print(os.getpid())").strip())
        assert all(alive(p) for p in state["pids"])
        os.kill(pid, signal.SIGKILL)
        all_gone(state["pids"])
    workdir = Path(state["workdir"])
    assert (workdir / "certs" / "tls.key").exists()  # nothing ran the kernel's exit hooks
    cleaned = "\n".join(clean_stale_workdirs(workdir.parent))
    assert f"cleaned stale sandbox state of dead pid {pid}: removed {workdir}" in cleaned
    assert not workdir.exists()
