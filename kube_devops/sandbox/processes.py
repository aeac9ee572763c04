"""The three components as real processes (``python -m kube_devops ...``) on loopback ports.

Each runs with the emulator's kubeconfig; the webhook gets certificates generated into the
sandbox directory for ``127.0.0.1``. Output goes to ``<component>.log`` in that directory. Each
is killed by the kernel when the thread that started it dies (:mod:`kube_devops.sandbox.lifeline`),
and ``respawn()`` starts it again with the same command line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kube_devops.core.catalog import Component
from kube_devops.runtime.certs import CertRequest, generate
from kube_devops.sandbox.lifeline import die_with_parent, stop_process
from kube_devops.sandbox.supervisor import last_line

_CONTEXT = ssl.create_default_context()
_CONTEXT.check_hostname, _CONTEXT.verify_mode = False, ssl.CERT_NONE


@dataclass
class ComponentProcess:
    """One running component."""

    component: Component
    url: str
    argv: list[str]
    log_path: Path
    process: subprocess.Popen[bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                self.argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env,
                preexec_fn=die_with_parent(signal.SIGKILL),
            )  # fmt: skip

    def respawn(self) -> None:
        """Start the component again with the same command line (after it died)."""
        self.stop()
        self.process = self._spawn()

    def ready(self) -> bool:
        """Whether ``/healthz`` answers 200 right now."""
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{self.url}/healthz", timeout=1, context=_CONTEXT) as answer,
        ):
            return bool(answer.status == 200)
        return False

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL when it does not exit in time."""
        stop_process(self.process, timeout)

    def log_tail(self, chars: int = 1500) -> str:
        """The end of the component's log, for error messages."""
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""


def webhook_certificates(workdir: Path) -> tuple[Path, Path]:
    """Certificate and key for the webhook on 127.0.0.1 (as ``webhook cert-generate`` writes);
    the CA that signed them is ``ca.crt`` beside them."""
    result = generate(CertRequest(output_dir=workdir / "certs", ip_sans=("127.0.0.1",), days=1))
    by_name = {p.name: p for p in result.files}
    return by_name["tls.crt"], by_name["tls.key"]


def command(
    component: Component, port: int, kubeconfig: Path, certs: tuple[Path, Path]
) -> list[str]:
    """The command line of one component."""
    base = [sys.executable, "-m", "kube_devops"]
    cluster = ["--kubeconfig", str(kubeconfig)]
    if component is Component.WEBHOOK:
        cert, key = certs
        tls = ["--tls-cert", str(cert), "--tls-key", str(key)]
        return [*base, "webhook", "serve", "--addr", f"127.0.0.1:{port}", *tls, *cluster]
    listen = ["--host", "127.0.0.1", "--port", str(port)]
    if component is Component.RECONCILE:
        return [*base, "reconcile", *listen, "--interval", "5", *cluster]
    return [*base, component.value, *listen, *cluster]


def start_components(
    ports: Mapping[Component, int],
    kubeconfig: Path,
    workdir: Path,
    certs: tuple[Path, Path] | None = None,
) -> dict[Component, ComponentProcess]:
    """Start every component (in parallel; they are waited for by :func:`wait_healthy`). The
    webhook serves ``certs`` (certificate, key), made by :func:`webhook_certificates` if None."""
    certs = certs or webhook_certificates(workdir)
    running: dict[Component, ComponentProcess] = {}
    for component, port in ports.items():
        scheme = "https" if component is Component.WEBHOOK else "http"
        argv = command(component, port, kubeconfig, certs)
        log_path = workdir / f"{component.value}.log"
        running[component] = ComponentProcess(
            component, f"{scheme}://127.0.0.1:{port}", argv, log_path
        )
    return running


def wait_healthy(running: Mapping[Component, ComponentProcess], timeout: float) -> None:
    """Wait until every component answers ``/healthz``; RuntimeError with its log otherwise."""
    pending = dict(running)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for component, proc in list(pending.items()):
            if proc.process.poll() is not None:
                raise RuntimeError(
                    f"sandbox component {component} exited with {proc.process.returncode}; "
                    f"its log ({proc.log_path.name}) ends with: {last_line(proc.log_tail())}"
                )
            if proc.ready():
                del pending[component]
        time.sleep(0.05)
    if pending:
        tails = "; ".join(f"{c} (log: {last_line(p.log_tail())})" for c, p in pending.items())
        raise RuntimeError(f"sandbox components not healthy after {timeout:g}s: {tails}")
