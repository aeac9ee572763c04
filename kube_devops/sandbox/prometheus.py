"""Run the real ``prometheus`` binary on loopback with a rendered configuration.

Used by the sandbox and by tests: :func:`start_prometheus` writes ``prometheus.yml`` (from
:func:`render_config`) and a TSDB directory under a work directory, starts Prometheus on a free
port and returns a :class:`~kube_devops.sandbox.prometheus_process.RunningPrometheus` once
``/-/ready`` answers. :class:`PrometheusSettings` says how; :class:`PrometheusError` (missing
binary, no start) says what to do.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kube_devops.core.promql import format_duration
from kube_devops.sandbox.free_ports import free_port
from kube_devops.sandbox.prometheus_process import RunningPrometheus

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
