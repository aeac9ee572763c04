"""Which process is which: start times (to tell a live owner from a reused pid), command lines,
and which process listens on a loopback port, read from ``/proc`` (Linux). Where ``/proc`` is
missing the answers fall back to what ``os.kill(pid, 0)`` can tell, or to "unknown"."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_PROC = Path("/proc")
_LISTEN = "0A"


def start_ticks(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot), or ``None`` when unknown or gone."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        stat = (_PROC / str(pid) / "stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    return None


def alive(pid: int, started: int | None = None) -> bool:
    """Whether ``pid`` runs (not a zombie) and, when ``started`` is given, is the same process
    that started then (not a later one that reused the number)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    with contextlib.suppress(OSError, IndexError):
        if (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return started is None or start_ticks(pid) in (started, None)


def mentioning(text: str) -> list[int]:
    """Pids of the processes whose command line contains ``text`` (this one excluded)."""
    found = []
    for entry in _PROC.glob("[0-9]*"):
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if text in argv and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


def listens(pid: int, port: int) -> bool | None:
    """Whether ``pid`` holds the listening socket of TCP ``port``; ``None`` when ``/proc``
    cannot tell."""
    inodes = _listening_inodes(port)
    if inodes is None:
        return None
    with contextlib.suppress(OSError):
        for fd in (_PROC / str(pid) / "fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) in inodes:
                    return True
        return False
    return None


def _listening_inodes(port: int) -> set[str] | None:
    wanted, found, read = f"{port:04X}", set(), False
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            lines = (_PROC / "net" / table).read_text().splitlines()[1:]
            read = True
            for line in lines:
                fields = line.split()
                if fields[1].rsplit(":", 1)[1] == wanted and fields[3] == _LISTEN:
                    found.add(f"socket:[{fields[9]}]")
    return found if read else None
