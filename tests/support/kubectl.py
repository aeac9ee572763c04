"""Running the real ``kubectl`` binary against a test's API server.

``kubectl_binary()`` finds it: ``$KUBECTL`` if set, else the newest one the set-up built into
``~/.cache/kube-devops/control-plane/<version>/kubectl``, else ``kubectl`` on ``PATH``; it fails
the test with how to get one when there is none. ``Kubectl(kubeconfig, cache_dir)`` runs it with
that kubeconfig and a discovery cache private to the test (kubectl caches discovery per host and
port for hours, and ports are reused), returning the ``CompletedProcess``; ``ok(*args)`` also
asserts it succeeded and returns its standard output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CACHE = Path.home() / ".cache" / "kube-devops" / "control-plane"


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def kubectl_binary() -> str:
    """The kubectl to test with (see the module docstring)."""
    if os.environ.get("KUBECTL"):
        return os.environ["KUBECTL"]
    built = sorted(CACHE.glob("v*/kubectl"), key=_version_key)
    if built:
        return str(built[-1])
    found = shutil.which("kubectl")
    if found is None:
        pytest.fail("no kubectl: run scripts/setup.sh, install Debian's kubectl or set $KUBECTL")
    return found


@dataclass
class Kubectl:
    """kubectl bound to one kubeconfig and a private discovery cache."""

    kubeconfig: Path
    cache_dir: Path
    binary: str = ""

    def __post_init__(self) -> None:
        self.binary = self.binary or kubectl_binary()

    def command(self, *args: str) -> list[str]:
        """The argv of ``kubectl <args>`` (for a process the test drives itself)."""
        options = [f"--kubeconfig={self.kubeconfig}", f"--cache-dir={self.cache_dir}"]
        return [self.binary, *options, *args]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``kubectl <args>``; never raises on a non-zero exit."""
        return subprocess.run(
            self.command(*args), input=stdin, capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip

    def ok(self, *args: str, stdin: str | None = None) -> str:
        """Run ``kubectl <args>``, assert it succeeded, and return its standard output."""
        done = self.run(*args, stdin=stdin)
        assert done.returncode == 0, f"kubectl {' '.join(args)} failed: {done.stderr}"
        return done.stdout
