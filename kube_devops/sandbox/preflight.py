"""The sandbox's checks before it starts anything and before it says ready.

:func:`preflight` cleans what a killed sandbox left (:mod:`.stale`), claims the state file,
places the ports (ValueError when ``--base-port`` is out of range) and refuses any that something
already listens on. :func:`confirm_own` refuses to declare ready unless every process is alive
and is the one listening on its port: a busy port taken between the check and the start would
otherwise let another program answer for ours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kube_devops.sandbox.pids import listens
from kube_devops.sandbox.ports import SandboxPorts, check_free, sandbox_ports
from kube_devops.sandbox.stale import claim_state_file, clean_stale_workdirs
from kube_devops.sandbox.supervisor import Watched, last_line


def preflight(
    base_port: int | None, real: bool, state_file: Path | None, say: Callable[[str], None]
) -> SandboxPorts:
    """Clean stale state, then the ports this run opens, each checked free."""
    for line in clean_stale_workdirs():
        say(line)
    if state_file is not None and (said := claim_state_file(state_file)):
        say(said)
    ports = sandbox_ports(base_port)  # ValueError: out of range
    check_free(ports.opened(real))
    return ports


def confirm_own(processes: Mapping[str, tuple[Watched, int | None]]) -> None:
    """RuntimeError unless each process is alive and (given a port) listens on it."""
    for name, (child, port) in processes.items():
        pid, code = child.process.pid, child.process.poll()
        if code is not None:
            tail = last_line(child.log_tail())
            raise RuntimeError(f"{name} (pid {pid}) exited with {code}; its log ends: {tail}")
        if port is not None and listens(pid, port) is False:
            raise RuntimeError(
                f"port {port} is answered by another process, not this sandbox's {name} "
                f"(pid {pid}); give other ports with --base-port"
            )
