"""The sandbox's real API: a :class:`RealControlPlane`, bootstrapped for kube-devops, with the
node simulator (:mod:`.nodes`) running its pods.

Offers what the launcher uses of the emulated API: ``kubeconfig`` (the components' — our
ServiceAccount's token), ``admin_kubeconfig`` (traffic, people, kubectl), ``scrape_jobs()`` and
``stop()``. Scrape jobs are rendered from the ServiceMonitors and Services read back through the
API; their Endpoints stay in memory, because the real API refuses loopback addresses in
Endpoints and EndpointSlices and the components run on 127.0.0.1.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.manifests import labels as lb
from kube_devops.runtime.sync import run_sync
from kube_devops.sandbox.real.bootstrap import BootstrapPlan, bootstrap
from kube_devops.sandbox.real.controlplane import (
    ControlPlane,
    ControlPlaneSettings,
    RealControlPlane,
)
from kube_devops.sandbox.real.flags import Ports
from kube_devops.sandbox.real.kubeconfig import write_kubeconfig
from kube_devops.sandbox.real.nodes import NodeSimulator, NodeSimulatorSettings
from kube_devops.sandbox.real.objects import (
    RESOURCES,
    flaky_writes_policy,
    kube_devops_objects,
    operator_crds,
)
from kube_devops.sandbox.scrape_config import scrape_configs
from kube_devops.sandbox.seed import Seed


@dataclass(frozen=True, slots=True)
class RealApiSettings:
    """What the sandbox passes in."""

    workdir: Path
    seed: Seed
    """The seed of :func:`kube_devops.sandbox.seed.build_seed` (Endpoints are kept in memory)."""
    webhook_url: str
    """Base URL of the webhook on loopback (the webhook configuration calls ``/validate``)."""
    webhook_ca: bytes
    """PEM of the CA that signed the webhook's certificate (the configuration's caBundle)."""
    binaries_dir: Path | None = None
    start_timeout: float = 30.0
    ports: Ports | None = None
    """Ports of etcd, kube-apiserver and kube-controller-manager; ``None`` = free ports."""


class RealApi:
    """A started and bootstrapped control plane (see the module docstring)."""

    def __init__(
        self,
        plane: RealControlPlane,
        nodes: NodeSimulator,
        kubeconfig: Path,
        endpoints: list[JsonDict],
        stored: int,
    ) -> None:
        assert plane.info is not None, "a started control plane"
        self.plane = plane
        self.nodes = nodes
        self.info: ControlPlane = plane.info
        self.kubeconfig = kubeconfig
        self.admin_kubeconfig = self.info.admin_kubeconfig
        self.stored = stored
        """How many objects the bootstrap applied."""
        self.timings = self.info.timings
        """Seconds from the control plane's start until each program was healthy."""
        self._endpoints = endpoints

    @classmethod
    def start(cls, settings: RealApiSettings, say: Callable[[str], None]) -> RealApi:
        """Start the control plane and bootstrap it; on failure stop it and re-raise."""
        s, began = settings, time.perf_counter()
        plane = RealControlPlane(
            ControlPlaneSettings(s.workdir, s.binaries_dir, s.start_timeout, ports=s.ports),
            progress=say,
        )
        info = plane.start()
        try:
            say("applying CRDs, kube-devops's manifests and the sample workloads")
            token, stored = bootstrap(info.admin_kubeconfig, _plan(s), say)
            info.timings["bootstrapped"] = round(time.perf_counter() - began, 3)
            say("starting the node simulator")
            nodes = NodeSimulator(NodeSimulatorSettings(kubeconfig=info.admin_kubeconfig)).start()
            info.timings["nodes_ready"] = round(time.perf_counter() - began, 3)
        except BaseException:
            plane.stop()
            raise
        kubeconfig = write_kubeconfig(
            s.workdir / "components.kubeconfig", info.server, info.pki.ca.cert,
            user=f"system:serviceaccount:{lb.DEFAULT_NAMESPACE}:{lb.APP_NAME}", token=token,
        )  # fmt: skip
        endpoints = [o for o in s.seed.objects if o["kind"] == "Endpoints"]
        return cls(plane, nodes, kubeconfig, endpoints, stored)

    def scrape_jobs(self) -> list[dict[str, Any]]:
        """Scrape jobs from the ServiceMonitors and Services in the API and the loopback
        Endpoints of the components."""
        return run_sync(self._read_and_render)

    async def _read_and_render(self) -> list[dict[str, Any]]:
        client = KubeClient.from_config(ClusterConfig(str(self.admin_kubeconfig)))
        try:
            namespace = lb.DEFAULT_NAMESPACE
            monitors = (await client.list(RESOURCES["ServiceMonitor"], namespace))["items"]
            services = (await client.list(RESOURCES["Service"], namespace))["items"]
        finally:
            client.close()
        return scrape_configs(monitors, services, self._endpoints)

    def state_fields(self) -> dict[str, str]:
        """The real API's extra state-file fields (see :mod:`kube_devops.sandbox.state`)."""
        return {
            "components_kubeconfig": str(self.kubeconfig),
            "etcd_url": self.info.etcd_url,
            "kubectl": str(self.info.binaries.kubectl),
        }

    def stop(self) -> None:
        """Stop the node simulator, kube-controller-manager, kube-apiserver and etcd."""
        try:
            self.nodes.stop()
        finally:
            self.plane.stop()


def _plan(s: RealApiSettings) -> BootstrapPlan:
    crds = [*operator_crds()]
    ours = kube_devops_objects(s.webhook_ca, s.webhook_url)
    crds += [o for o in ours if o["kind"] == "CustomResourceDefinition"]
    objects = [o for o in ours if o["kind"] != "CustomResourceDefinition"]
    objects += flaky_writes_policy()
    seeded = tuple(o for o in s.seed.objects if o["kind"] != "Endpoints")
    return BootstrapPlan(crds, objects, Seed(s.seed.namespaces, seeded), timeout=s.start_timeout)
