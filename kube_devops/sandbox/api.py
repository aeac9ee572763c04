"""The sandbox's emulated Kubernetes API: the kmock emulator plus the two resources monitoring
needs (Endpoints and ServiceMonitors), seeding, and reading our monitoring objects back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kmock

from kube_devops.core.policy import API_VERSION, PLURAL
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.resources import Resource
from kube_devops.manifests import labels as lb
from kube_devops.runtime.sync import run_sync
from kube_devops.sandbox.emulator import Emulator, EmulatorThread
from kube_devops.sandbox.scrape_config import scrape_configs
from kube_devops.sandbox.seed import Seed, seed_into
from kube_devops.sandbox.thirdparty import Response

SERVICES = Resource("", "v1", "services", "Service")
ENDPOINTS = Resource("", "v1", "endpoints", "Endpoints")
SERVICE_MONITORS = Resource("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor")
_EXTRA = (
    ("v1/endpoints", "Endpoints"),
    ("monitoring.coreos.com/v1/servicemonitors", "ServiceMonitor"),
)


def _register_extra(emulator: Emulator) -> None:
    verbs = ("get", "list", "watch", "create", "update", "patch", "delete")
    for key, kind in _EXTRA:
        emulator.resources[key] = kmock.ResourceInfo(kind=kind, namespaced=True, verbs=verbs)


#: Objects whose names match these globs get HTTP 500 on every PATCH (the write still lands, as
#: when a reply is lost), so the error and failure panels have data: the reconcile of policy
#: ``flaky-*`` fails on its status write, remediation of Deployment ``flaky-*`` fails.
FAULTS = (
    (f"{API_VERSION}/{PLURAL}", "flaky-*"),
    ("apps/v1/deployments", "flaky-*"),
)


def _server_error() -> Any:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}}
    body["status"] = "Failure"
    body.update(code=500, reason="InternalError", message="sandbox fault injection")
    return Response(status=500, payload=body)


def _inject_faults(emulator: Emulator) -> None:
    for resource, glob in FAULTS:
        criteria = (kmock.method.PATCH, kmock.resource(resource), kmock.name(glob))
        emulator[criteria] << _server_error


class EmulatedApi:
    """A started emulator with a kubeconfig in the sandbox directory."""

    def __init__(self, thread: EmulatorThread, kubeconfig: Path) -> None:
        self.thread = thread
        self.kubeconfig = kubeconfig
        self.admin_kubeconfig = kubeconfig
        """The emulator has no authorization: one kubeconfig for everyone."""
        self.timings: dict[str, float] = {}

    @classmethod
    def start(cls, workdir: Path, port: int = 0) -> EmulatedApi:
        """Start the emulator on ``port`` (0: a free one) and write ``kubeconfig``."""
        thread = EmulatorThread(port=port).start()
        thread.call(_register_extra)
        thread.call(_inject_faults)
        kubeconfig = thread.write_kubeconfig(workdir / "kubeconfig")
        return cls(thread, kubeconfig)

    def seed(self, seed: Seed) -> int:
        """Store the namespaces and objects; returns how many objects were stored."""
        for namespace in seed.namespaces:
            self.thread.seed_namespace(namespace)
        return len(seed.namespaces) + seed_into(self.thread.seed, seed)

    def scrape_jobs(self) -> list[dict[str, Any]]:
        """Scrape jobs rendered from the ServiceMonitors, Services and Endpoints read back
        through the API (the official client, as the Prometheus Operator would read them)."""
        return run_sync(self._read_and_render)

    async def _read_and_render(self) -> list[dict[str, Any]]:
        client = KubeClient.from_config(ClusterConfig(str(self.kubeconfig)))
        try:
            namespace = lb.DEFAULT_NAMESPACE
            monitors = (await client.list(SERVICE_MONITORS, namespace))["items"]
            services = (await client.list(SERVICES, namespace))["items"]
            endpoints = (await client.list(ENDPOINTS, namespace))["items"]
        finally:
            client.close()
        return scrape_configs(monitors, services, endpoints)

    def state_fields(self) -> dict[str, str]:
        """Nothing beyond the common state-file fields."""
        return {}

    def stop(self) -> None:
        """Stop the emulator."""
        self.thread.stop()
