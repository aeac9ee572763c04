"""Run the real ``prometheus`` binary on loopback with a rendered configuration.

Used by the sandbox and by tests: writes ``prometheus.yml`` and a TSDB directory under a work
directory, starts Prometheus on a free port and waits until ``/-/ready`` answers. Prometheus is
killed by the kernel when the thread that started it dies (:mod:`kube_devops.verify.lifeline`);
``RunningPrometheus.respawn()`` starts it again with the same command line.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kube_devops.core.promql import format_duration
from kube_devops.verify.lifeline import die_with_parent

INSTALL_HINT = (
    "the 'prometheus' binary was not found on PATH. Install it: Debian/Ubuntu "
    "'sudo apt-get install prometheus'; conda 'conda install -c conda-forge prometheus' "
    "(or 'conda env create -f environment.yml'); or download it from "
    "https://prometheus.io/download/ and put it on PATH"
)


class PrometheusError(RuntimeError):
    """Prometheus is missing or did not start; the message says what to do."""


@dataclass(frozen=True, slots=True)
class PrometheusSettings:
    """How to run Prometheus."""

    workdir: Path
    """Directory for ``prometheus.yml``, the TSDB and ``prometheus.log``; must exist."""
    scrape_interval: float = 1.0
    """Global scrape (and rule evaluation) interval in seconds."""
    port: int = 0
    """Port on 127.0.0.1; 0 picks a free one."""
    binary: str = "prometheus"
    """Executable name or path."""
    start_timeout: float = 20.0
    """Seconds to wait for ``/-/ready``."""


#: Where the kernel takes the local ports of outgoing connections from, when it does not say.
_EPHEMERAL_DEFAULT = (32768, 60999)
#: The lowest port :func:`free_block` hands out.
_LOWEST = 10000


def free_port() -> int:
    """A loopback port that was free a moment ago (see :func:`free_block`)."""
    return free_block(1)


def free_block(size: int) -> int:
    """The first of ``size`` consecutive loopback ports that were all free a moment ago.

    The ports are drawn at random below the kernel's ephemeral range: outgoing connections (a
    component talking to the API, Prometheus scraping) take their local ports from that range,
    so a port picked there by binding port 0 can be taken by a client before our server binds
    it.
    """
    low, _high = _ephemeral_range()
    top = low - size if low - size > _LOWEST else 65535 - size
    for _attempt in range(200):
        base = random.randrange(_LOWEST, top)
        if all(_bindable(port) for port in range(base, base + size)):
            return base
    raise OSError(f"no block of {size} free loopback ports found from {_LOWEST}")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return _EPHEMERAL_DEFAULT


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM ``process`` and wait; SIGKILL it when it does not exit within ``timeout``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def render_config(
    scrape_configs: Sequence[Mapping[str, Any]], scrape_interval: float
) -> dict[str, Any]:
    """A complete Prometheus configuration around the given scrape jobs."""
    interval = format_duration(scrape_interval)
    return {
        "global": {
            "scrape_interval": interval,
            "scrape_timeout": interval,
            "evaluation_interval": interval,
        },
        "scrape_configs": [dict(job) for job in scrape_configs],
    }


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


def start_prometheus(
    scrape_configs: Sequence[Mapping[str, Any]], settings: PrometheusSettings
) -> RunningPrometheus:
    """Start Prometheus scraping ``scrape_configs`` and return once it is ready."""
    binary = shutil.which(settings.binary)
    if binary is None:
        raise PrometheusError(INSTALL_HINT)
    config_path = settings.workdir / "prometheus.yml"
    _write_config(config_path, render_config(scrape_configs, settings.scrape_interval))
    attempts = 1 if settings.port else 3
    for _ in range(attempts):
        port = settings.port or free_port()
        running = _launch(binary, config_path, port, settings)
        if _wait_ready(running, settings.start_timeout):
            return running
        running.stop()
    log = (settings.workdir / "prometheus.log").read_text(errors="replace")[-2000:]
    raise PrometheusError(f"prometheus did not become ready; its log ends with:\n{log}")


def _write_config(path: Path, config: Mapping[str, Any]) -> None:
    path.write_text(yaml.safe_dump(dict(config), sort_keys=False), encoding="utf-8")


def _launch(
    binary: str, config_path: Path, port: int, settings: PrometheusSettings
) -> RunningPrometheus:
    storage = settings.workdir / "tsdb"
    storage.mkdir(exist_ok=True)
    args = [
        binary,
        f"--config.file={config_path}",
        f"--storage.tsdb.path={storage}",
        "--storage.tsdb.retention.time=2h",
        f"--web.listen-address=127.0.0.1:{port}",
        "--web.enable-lifecycle",
        "--log.level=warn",
    ]
    return RunningPrometheus(args, settings.workdir / "prometheus.log", f"http://127.0.0.1:{port}")


def _wait_ready(running: RunningPrometheus, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            return False
        if running.ready():
            return True
        time.sleep(0.05)
    return False
