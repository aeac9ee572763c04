"""A program the sandbox runs and supervises: :class:`Child`.

It is started with its output appended to a log file and stdin closed, and is killed by the
kernel when the thread that started it dies (:mod:`kube_devops.sandbox.lifeline`).
``respawn()`` starts it again with the same command line, ``ready()`` asks its probe URL,
``log_tail()`` reads the end of its log for error messages, and ``stop()`` ends it (SIGTERM,
then SIGKILL when it does not exit in time).
"""

from __future__ import annotations

import contextlib
import os
import signal
import ssl
import subprocess
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from kube_devops.sandbox.lifeline import die_with_parent, stop_process


class Child:
    """One supervised program (see the module docstring)."""

    def __init__(
        self,
        argv: list[str],
        log_path: Path,
        probe_url: str,
        *,
        env: Mapping[str, str] | None = None,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.argv = argv
        self.log_path = log_path
        self._probe_url = probe_url
        self._env = {**os.environ, **env} if env is not None else None
        self._context = context
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                self.argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=self._env,
                preexec_fn=die_with_parent(signal.SIGKILL),
            )  # fmt: skip

    def respawn(self) -> None:
        """Start the program again with the same command line (after it died)."""
        self.stop()
        self.process = self._spawn()

    def ready(self) -> bool:
        """Whether the probe URL answers 200 right now."""
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(self._probe_url, timeout=1, context=self._context) as answer,
        ):
            return bool(answer.status == 200)
        return False

    def log_tail(self, chars: int = 1500) -> str:
        """The end of the program's log, for error messages."""
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL when it does not exit in time."""
        stop_process(self.process, timeout)
