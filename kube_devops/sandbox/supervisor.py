"""Keep the sandbox's processes running: notice a death at once, say so, restart with backoff.

A :class:`Supervisor` thread polls its children a few times a second. A child that exits is
reported at once (a log line naming its exit code and its log's last line, and ``on_change``
with every child's :class:`Status`, which the sandbox writes into its state file), then started
again after an exponential backoff (1 s, 2 s, 4 s ... capped; reset once a child has stayed up a
while). It is up again when it answers its health check. Children are started from this thread
after a death, and they die with the thread that started them (:mod:`kube_devops.sandbox.lifeline`):
the thread lives until :meth:`Supervisor.stop`. Processes given as ``watched`` (the real control
plane's programs) are reported when they die but not restarted.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Watched(Protocol):
    """What the supervisor needs of a process it only reports."""

    process: subprocess.Popen[bytes]

    def log_tail(self, chars: int = ...) -> str: ...


class Child(Watched, Protocol):
    """What the supervisor needs of a process it keeps running."""

    def respawn(self) -> None: ...

    def ready(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds before restart number n (from 0): ``first * 2**n``, at most ``cap``."""

    first: float = 1.0
    cap: float = 30.0
    reset_after: float = 60.0
    """A child up this long starts from ``first`` again at its next death."""

    def delay(self, attempt: int) -> float:
        """Seconds to wait before restart number ``attempt``."""
        return float(min(self.cap, self.first * 2 ** min(attempt, 30)))


@dataclass
class Status:
    """One child as the state file shows it."""

    pid: int
    up: bool = True
    restarts: int = 0
    last_exit: str | None = None
    """How it last died: exit code and its log's last line."""
    attempt: int = field(default=0, repr=False)
    since: float = field(default_factory=time.monotonic, repr=False)
    restart_at: float | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """``pid``, ``up``, ``restarts`` and ``last_exit``."""
        return {"pid": self.pid, "up": self.up, "restarts": self.restarts,
                "last_exit": self.last_exit}  # fmt: skip


def last_line(text: str) -> str:
    """The last non-empty line of a log, or ``(empty log)``."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip()[:300] if lines else "(empty log)"


class Supervisor:
    """The supervising thread (see the module docstring)."""

    def __init__(
        self,
        children: Mapping[str, Child],
        on_change: Callable[[dict[str, Status]], None],
        say: Callable[[str], None],
        backoff: Backoff | None = None,
        watched: Mapping[str, Watched] | None = None,
    ) -> None:
        self.children = dict(children)
        self.watched = dict(watched or {})
        every: dict[str, Watched] = {**self.children, **self.watched}
        self.status = {name: Status(c.process.pid) for name, c in every.items()}
        self._on_change, self._say = on_change, say
        self.backoff = backoff or Backoff()
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-supervisor", daemon=True)

    def start(self) -> Supervisor:
        """Start watching."""
        self._thread.start()
        return self

    def hold(self, name: str) -> None:
        """Stop watching ``name`` (it is being stopped on purpose)."""
        with self._lock:
            self._held.add(name)

    def stop(self) -> None:
        """Stop watching and end the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(15)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for name, child in self.children.items():
                with self._lock:
                    if name in self._held or self._stop.is_set():
                        continue
                    try:
                        self._check(name, child, self.status[name])
                    except Exception as err:  # keep supervising the others
                        log.warning("supervising %s failed", name, extra={"error": repr(err)})
            for name, program in self.watched.items():
                self._check_watched(name, program, self.status[name])

    def _check_watched(self, name: str, program: Watched, status: Status) -> None:
        if not status.up or program.process.poll() is None:
            return
        code, line = program.process.returncode, last_line(program.log_tail())
        status.up, status.last_exit = False, f"exited with {code}; its log ends with: {line}"
        self._say(f"{name} (pid {status.pid}) {status.last_exit}; not restarted")
        self._on_change(self.status)

    def _check(self, name: str, child: Child, status: Status) -> None:
        now = time.monotonic()
        if child.process.poll() is not None:
            if status.restart_at is None:
                self._died(name, child, status, now)
            elif now >= status.restart_at:
                self._restart(name, child, status)
        elif not status.up and child.ready():
            status.up, status.since = True, now
            self._say(f"{name} is back (pid {status.pid}) after {status.restarts} restart(s)")
            self._on_change(self.status)
        elif status.up and now - status.since > self.backoff.reset_after:
            status.attempt = 0

    def _died(self, name: str, child: Child, status: Status, now: float) -> None:
        delay = self.backoff.delay(status.attempt)
        status.attempt += 1
        code, line = child.process.returncode, last_line(child.log_tail())
        status.up, status.restart_at = False, now + delay
        status.last_exit = f"exited with {code}; its log ends with: {line}"
        self._say(f"{name} (pid {status.pid}) {status.last_exit}; restarting in {delay:g}s")
        self._on_change(self.status)

    def _restart(self, name: str, child: Child, status: Status) -> None:
        child.respawn()
        status.pid, status.restart_at = child.process.pid, None
        status.restarts += 1
        status.since = time.monotonic()
        self._say(f"restarted {name} (pid {status.pid}, restart {status.restarts})")
        self._on_change(self.status)
