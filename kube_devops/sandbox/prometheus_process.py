"""One running ``prometheus`` process: :class:`RunningPrometheus`.

:func:`kube_devops.sandbox.prometheus.start_prometheus` makes it. It is killed by the kernel when
the thread that started it dies (:mod:`kube_devops.sandbox.lifeline`); ``respawn()`` starts it
again with the same command line, ``ready()`` asks ``/-/ready``, ``log_tail()`` reads the end of
its log for error messages, and ``stop()`` (or leaving the ``with`` block) ends it.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from kube_devops.sandbox.lifeline import die_with_parent, stop_process


class RunningPrometheus:
    """A started Prometheus process; ``stop()`` (or leaving the ``with`` block) ends it."""

    def __init__(self, argv: list[str], log_path: Path, url: str) -> None:
        self.argv = argv
        self.log_path = log_path
        self.url = url
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                self.argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                preexec_fn=die_with_parent(signal.SIGKILL),
            )  # fmt: skip

    def respawn(self) -> None:
        """Start Prometheus again with the same command line (after it died)."""
        self.stop()
        self.process = self._spawn()

    def ready(self) -> bool:
        """Whether ``/-/ready`` answers 200 right now."""
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{self.url}/-/ready", timeout=1) as response,
        ):
            return bool(response.status == 200)
        return False

    def log_tail(self, chars: int = 1500) -> str:
        """The end of Prometheus's log, for error messages."""
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate Prometheus and wait for it; kill it if it does not stop in time."""
        stop_process(self.process, timeout)

    def __enter__(self) -> RunningPrometheus:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
