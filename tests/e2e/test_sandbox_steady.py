"""A sandbox left running stays the same size, listens only where ``--base-port`` says, and says
when it stops."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.resources import PODS
from kube_devops.runtime.sync import run_sync
from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.settings import SandboxSettings
from tests.support.ports import free_block

pytestmark = pytest.mark.e2e

#: Seeded pods (22) + churned pods kept alive (6) + churned Deployments' pods (4) + one in flight.
STEADY_MAX = 33


def pods(kubeconfig: str) -> int:
    async def count() -> int:
        client = KubeClient.from_config(ClusterConfig(kubeconfig))
        try:
            return len((await client.list(PODS))["items"])
        finally:
            client.close()

    return run_sync(count)


def test_pods_stay_in_a_band_ports_follow_the_base_and_stop_is_announced() -> None:
    base = free_block()
    said: list[str] = []
    sandbox = Sandbox(SandboxSettings(base_port=base), progress=said.append)
    try:
        state = sandbox.start()
        assert urlsplit(state.prometheus_url).port == base + 3
        kubeconfig = yaml.safe_load(Path(state.kubeconfig).read_text())
        assert urlsplit(kubeconfig["clusters"][0]["cluster"]["server"]).port == base + 4
        ports = sorted(urlsplit(url).port or 0 for url in state.endpoints.values())
        assert ports == [base, base + 1, base + 2]
        counts = []
        for _ in range(5):  # 25 s: 100 traffic rounds, 12 churned Deployments
            time.sleep(5)
            counts.append(pods(state.kubeconfig))
        assert max(counts) <= STEADY_MAX, counts
        assert min(counts) >= 22, counts
    finally:
        sandbox.stop()
    assert said[-1] == f"sandbox stopped; {sandbox.workdir} removed"
    assert not sandbox.workdir.exists()
