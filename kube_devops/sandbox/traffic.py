"""Traffic so every dashboard panel has data: pod churn through the API and admission requests
(compliant and not) to the webhook. Runs on its own event loop in a thread.

On the emulated API nothing runs workload controllers, so each churned Deployment gets its
ReplicaSet and a running Pod from here; on the real API kube-controller-manager creates them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import KubeError
from kube_devops.kube.resources import DEPLOYMENTS, PODS, REPLICASETS, Resource
from kube_devops.sandbox.seed import replicaset_for, running_pod

log = logging.getLogger(__name__)

#: Namespaces churned: audit policy, enforce policy, no policy.
NAMESPACES = ("production", "staging", "dev")


@dataclass(frozen=True, slots=True)
class TrafficSettings:
    """What the traffic generator does."""

    kubeconfig: Path
    """Kubeconfig of the emulated API."""
    webhook_url: str
    """Base URL of the webhook (https, self-signed)."""
    period: float = 0.25
    """Seconds between rounds; each round churns one pod and sends two admission reviews."""
    keep_pods: int = 6
    """Churned pods kept alive at once; older ones are deleted."""
    deployment_every: int = 8
    """Every this many rounds, a non-compliant Deployment appears in the enforce namespace
    (alternately ``flaky-deploy-N``, whose patch fails, and ``churn-deploy-N``, remediated)."""
    keep_deployments: int = 4
    """Churned Deployments kept at once."""
    controllers: bool = False
    """The API runs workload controllers (the real control plane): create Deployments only."""


def pod(name: str, namespace: str, compliant: bool) -> dict[str, Any]:
    """A pod that passes every check, or one with a latest image and no probes."""
    container: dict[str, Any] = {"name": "app", "image": "nginx:1.27.0" if compliant else "nginx"}
    if compliant:
        probe = {"tcpSocket": {"port": 80}, "periodSeconds": 10}
        container.update(livenessProbe=probe, readinessProbe=probe)
        container["ports"] = [{"containerPort": 80}]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"sandbox": "churn"}},
        "spec": {"containers": [container]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "app", "restartCount": 0}]},
    }


def admission_review(obj: dict[str, Any]) -> dict[str, Any]:
    """An ``admission.k8s.io/v1`` CREATE review of ``obj``."""
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": str(uuid.uuid4()),
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": obj["metadata"]["namespace"],
            "name": obj["metadata"]["name"],
            "operation": "CREATE",
            "userInfo": {"username": "sandbox-traffic"},
            "object": obj,
            "dryRun": False,
        },
    }


def deployment(name: str, namespace: str) -> dict[str, Any]:
    """A Deployment the enforce policy can repair: a known port, no probes, no resources."""
    labels = {"app.kubernetes.io/name": name}
    container = {"name": "app", "image": "nginx:1.27.0", "ports": [{"containerPort": 80}]}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


class Traffic:
    """The generator; ``start()`` runs it in a daemon thread, ``stop()`` ends it."""

    def __init__(self, settings: TrafficSettings) -> None:
        self.settings = settings
        self._deployments: list[tuple[str, list[tuple[Resource, str]]]] = []
        """Churned Deployments, oldest first, each with the objects made for it by hand."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="sandbox-traffic", daemon=True)

    def start(self) -> None:
        """Start generating traffic."""
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        self._thread.join(10)

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        kube = KubeClient.from_config(ClusterConfig(str(self.settings.kubeconfig)))
        connector = aiohttp.TCPConnector(ssl=False)
        alive: list[tuple[str, str]] = []
        try:
            async with aiohttp.ClientSession(connector=connector) as http:
                for number in itertools.count():
                    if self._stop.is_set():
                        return
                    await self._round(kube, http, number, alive)
                    await asyncio.sleep(self.settings.period)
        finally:
            kube.close()

    async def _round(
        self, kube: KubeClient, http: aiohttp.ClientSession, n: int, alive: list[tuple[str, str]]
    ) -> None:
        namespace = NAMESPACES[n % len(NAMESPACES)]
        name = f"churn-{n}"
        with contextlib.suppress(KubeError):
            await kube.create(PODS, pod(name, namespace, compliant=n % 2 == 0), namespace)
            alive.append((namespace, name))
        while len(alive) > self.settings.keep_pods:
            old_ns, old_name = alive.pop(0)
            with contextlib.suppress(KubeError):
                await kube.delete(PODS, old_name, old_ns)
        if n % self.settings.deployment_every == 0:
            await self._churn_deployment(kube, n // self.settings.deployment_every)
        for compliant in (True, False):
            review = admission_review(pod(f"review-{n}", namespace, compliant))
            url = f"{self.settings.webhook_url}/validate"
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.post(url, json=review, timeout=aiohttp.ClientTimeout(3)) as r:
                    await r.read()

    async def _churn_deployment(self, kube: KubeClient, n: int) -> None:
        namespace = "staging"
        name = f"{'churn' if n % 2 else 'flaky'}-deploy-{n}"
        with contextlib.suppress(KubeError):
            stored = await kube.create(DEPLOYMENTS, deployment(name, namespace), namespace)
            owned: list[tuple[Resource, str]] = []
            self._deployments.append((name, owned))
            if not self.settings.controllers:
                replicaset = await kube.create(REPLICASETS, replicaset_for(stored), namespace)
                owned.append((REPLICASETS, replicaset["metadata"]["name"]))
                template = stored["spec"]["template"]
                created = await kube.create(PODS, running_pod(replicaset, template), namespace)
                owned.append((PODS, created["metadata"]["name"]))
        while len(self._deployments) > self.settings.keep_deployments:
            await self._delete_deployment(kube, namespace, *self._deployments.pop(0))

    @staticmethod
    async def _delete_deployment(
        kube: KubeClient, namespace: str, name: str, owned: list[tuple[Resource, str]]
    ) -> None:
        """Delete a churned Deployment and, where no garbage collector runs (the emulated API),
        the ReplicaSet and Pod made for it, so the cluster stays the same size."""
        for resource, object_name in [(DEPLOYMENTS, name), *owned]:
            with contextlib.suppress(KubeError):
                await kube.delete(resource, object_name, namespace)
