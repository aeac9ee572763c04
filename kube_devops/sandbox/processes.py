"""The three components as real processes (``python -m kube_devops ...``) on loopback ports.

Each runs with the emulator's kubeconfig; the webhook gets certificates generated into the
sandbox directory for ``127.0.0.1``. Output goes to ``<component>.log`` in that directory. Each
is a :class:`~kube_devops.sandbox.child.Child`: killed with the sandbox, started again by
``respawn()``.
"""

from __future__ import annotations

import ssl
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from kube_devops.core.catalog import Component
from kube_devops.runtime.certs import CertRequest, generate
from kube_devops.sandbox.child import Child
from kube_devops.sandbox.supervisor import last_line

_CONTEXT = ssl.create_default_context()
_CONTEXT.check_hostname, _CONTEXT.verify_mode = False, ssl.CERT_NONE


class ComponentProcess(Child):
    """One running component, probed on ``/healthz``."""

    def __init__(self, component: Component, url: str, argv: list[str], log_path: Path) -> None:
        self.component = component
        self.url = url
        env = {"PYTHONUNBUFFERED": "1"}
        super().__init__(argv, log_path, f"{url}/healthz", env=env, context=_CONTEXT)


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
