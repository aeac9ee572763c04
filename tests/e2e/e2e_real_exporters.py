"""Real exporters from Debian on free loopback ports, scraped every second by a real Prometheus
that also scrapes itself: ``prometheus-node-exporter`` (job ``node``) and
``prometheus-alertmanager`` with clustering on (job ``alertmanager``)."""

from __future__ import annotations

import contextlib
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kube_devops.sandbox.free_ports import free_block
from kube_devops.sandbox.lifeline import stop_process
from kube_devops.sandbox.prometheus import PrometheusSettings, start_prometheus
from kube_devops.verify.client import PromClient
from kube_devops.verify.readiness import wait_for_samples, wait_targets_up
from tests.support.waiting import wait_until

NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"


@dataclass(frozen=True)
class RealStack:
    """Where the stack listens: Prometheus's URL and each job's ``host:port``; ``stop(job)``
    ends that exporter's process."""

    prometheus_url: str
    instances: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]]

    def stop(self, job: str) -> None:
        stop_process(self.processes[job])


def _wait_http(url: str, timeout: float = 15) -> None:
    wait_until(lambda: _answers_200(url), timeout, f"{url} answering 200", every=0.05)


def _answers_200(url: str) -> bool:
    with (
        contextlib.suppress(OSError, urllib.error.URLError),
        urllib.request.urlopen(url, timeout=1) as response,
    ):
        return bool(response.status == 200)
    return False


@contextlib.contextmanager
def _process(args: list[str], log: Path, ready_url: str) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(args, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
    try:
        _wait_http(ready_url)
        yield process
    finally:
        stop_process(process)


def _jobs(instances: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"job_name": job, "static_configs": [{"targets": [address]}]}
        for job, address in instances.items()
    ]


@contextlib.contextmanager
def real_stack(workdir: Path) -> Iterator[RealStack]:
    """Start everything, wait until every target is up with a few samples, and stop it all."""
    node, alertmanager, cluster, prometheus = range(free_block(4), 65536)[:4]
    instances = {
        "prometheus": f"127.0.0.1:{prometheus}",
        "node": f"127.0.0.1:{node}",
        "alertmanager": f"127.0.0.1:{alertmanager}",
    }
    node_args = [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{node}"]
    am_args = [
        ALERTMANAGER, f"--web.listen-address=127.0.0.1:{alertmanager}",
        f"--cluster.listen-address=127.0.0.1:{cluster}",
        f"--storage.path={workdir / 'alertmanager'}",
        f"--config.file={_alertmanager_config(workdir)}",
    ]  # fmt: skip
    settings = PrometheusSettings(workdir=workdir, scrape_interval=1.0, port=prometheus)
    with (
        _process(node_args, workdir / "node.log", f"http://127.0.0.1:{node}/metrics") as node_p,
        _process(am_args, workdir / "am.log", f"http://127.0.0.1:{alertmanager}/-/ready") as am_p,
        start_prometheus(_jobs(instances), settings) as running,
    ):
        client = PromClient(running.url)
        try:
            wait_targets_up(client, expected=3, timeout=20)
            wait_for_samples(client, 'up{job="alertmanager"}', 8, timeout=20)
        finally:
            client.close()
        yield RealStack(running.url, instances, {"node": node_p, "alertmanager": am_p})


def _alertmanager_config(workdir: Path) -> Path:
    path = workdir / "alertmanager.yml"
    path.write_text("route:\n  receiver: none\nreceivers:\n  - name: none\n")
    return path
