"""Start a control-plane program as a child process and wait until it answers healthy.

Each program logs to ``<name>.log`` in the sandbox directory. On Linux the child also gets
SIGTERM when its parent dies (``PR_SET_PDEATHSIG``), so even a killed sandbox leaves no etcd or
kube-apiserver behind. The kernel ties this to the *thread* that started the child: start the
control plane from a thread that lives as long as it (the main thread, a pytest fixture).
"""

from __future__ import annotations

import contextlib
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kube_devops.sandbox.lifeline import die_with_parent, stop_process


@dataclass
class Program:
    """One running control-plane program."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL when it does not exit in time."""
        stop_process(self.process, timeout)

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the program's log, for error messages."""
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""


def launch(name: str, argv: Sequence[str], workdir: Path) -> Program:
    """Start ``argv`` with output to ``workdir/<name>.log``."""
    log_path = workdir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            list(argv),
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
            preexec_fn=die_with_parent(signal.SIGTERM),
        )
    return Program(name, process, log_path)


def wait_healthy(
    program: Program, url: str, context: ssl.SSLContext | None, timeout: float
) -> None:
    """Poll ``url`` until it answers 200; RuntimeError naming the program and its log otherwise."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if program.process.poll() is not None:
            raise RuntimeError(
                f"{program.name} exited with {program.process.returncode}; "
                f"its log ({program.log_path}) ends with:\n{program.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as err:
            last = f"HTTP {err.code}: {err.read()[-300:].decode(errors='replace')}"
        except (OSError, urllib.error.URLError) as err:
            last = str(err)
        time.sleep(0.1)
    raise RuntimeError(
        f"{program.name} not healthy at {url} after {timeout:g}s ({last}); "
        f"its log ({program.log_path}) ends with:\n{program.log_tail()}"
    )


def client_context(ca: Path, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    """TLS context trusting ``ca``, presenting ``cert``/``key`` when given."""
    context = ssl.create_default_context(cafile=str(ca))
    if cert is not None and key is not None:
        context.load_cert_chain(str(cert), str(key))
    return context


def insecure_context() -> ssl.SSLContext:
    """TLS without verification: for the controller manager's self-signed health endpoint."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context
