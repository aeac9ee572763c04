"""Start ``kube-devops`` component processes for tests and find the port they bound.

``Component(args)`` runs ``python -m kube_devops <args>`` with stderr (JSON logs) read by a
thread; ``Component.port`` waits for the ``listening`` log record. ``stop()`` sends SIGTERM and
returns the exit code (``stop(sig=signal.SIGINT)`` for Ctrl-C); ``kill()`` sends SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from typing import Any

from tests.support.waiting import wait_until


class Component:
    """A running component process and its parsed log records."""

    def __init__(self, args: list[str]) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kube_devops", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.records: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            text = line.decode(errors="replace").strip()
            self.raw.append(text)
            try:
                self.records.append(json.loads(text))
            except ValueError:
                continue

    def logged(self, msg: str) -> list[dict[str, Any]]:
        """Records whose message is ``msg``."""
        return [r for r in list(self.records) if r.get("msg") == msg]

    @property
    def port(self) -> int:
        """The bound port (waits up to 15 s for the ``listening`` record)."""
        wait_until(self._listening_or_exited, 15, "the listening record")
        found = self.logged("listening")
        assert found, "component did not listen:\n" + "\n".join(self.raw[-30:])
        return int(found[0]["port"])

    def _listening_or_exited(self) -> bool:
        return bool(self.logged("listening")) or self.process.poll() is not None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, within: float = 10.0, sig: signal.Signals = signal.SIGTERM) -> int:
        """SIGTERM (or ``sig``), then wait; returns the exit code."""
        self.process.send_signal(sig)
        return self.process.wait(within)

    def kill(self) -> None:
        """SIGKILL (no clean-up at all)."""
        self.process.kill()
        self.process.wait(10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self._reader.join(5)
        if self.process.stderr is not None:
            self.process.stderr.close()
