"""Helpers for the reconcile component tests: a tiny workload controller, the operator in-process.

The emulator runs no controllers, so ``Cluster.deploy`` does what the Deployment and ReplicaSet
controllers would: it stores the Deployment, a ReplicaSet owned by it and ``replicas`` Running
pods owned by the ReplicaSet, each a copy of the pod template.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from kube_devops.components.reconcile import ReconcileSettings, run_reconcile
from kube_devops.components.reconcile.settings import RECONCILE_LEASE
from kube_devops.runtime.settings import ClusterSettings, ServeSettings
from tests.support.emulator import KubeEmulator

KUBE_TESTS = Path(__file__).parents[3] / "kube-tests"
Obj = dict[str, Any]
POLICIES = "devops.stochastic.io/v1/devopspolicies"


def samples(name: str) -> list[Obj]:
    """The documents of ``kube-tests/<name>``."""
    docs = yaml.safe_load_all((KUBE_TESTS / name).read_text())
    return [d for d in docs if d]


def owner(obj: Obj) -> list[Obj]:
    """ownerReferences pointing at ``obj`` as its controller."""
    meta = obj["metadata"]
    ref = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta["name"]}
    return [{**ref, "uid": meta["uid"], "controller": True}]


@dataclass
class Cluster:
    """Seeding and reading through the emulator store."""

    emu: KubeEmulator

    def namespace(self, name: str) -> None:
        self.emu.thread.seed_namespace(name)

    def seed(self, resource: str, obj: Obj) -> Obj:
        return self.emu.thread.seed(resource, copy.deepcopy(obj))

    def deploy(self, deployment: Obj, replicas: int | None = None) -> Obj:
        """Store a Deployment with its ReplicaSet and Running pods."""
        dep = self.seed("apps/v1/deployments", deployment)
        count = dep["spec"].get("replicas", 1) if replicas is None else replicas
        return self.pods_for(dep, count, "apps/v1/replicasets")

    def pods_for(self, workload: Obj, count: int, via: str | None = None) -> Obj:
        """Pods of ``workload`` (through a ReplicaSet when ``via`` names that resource)."""
        meta, template = workload["metadata"], workload["spec"]["template"]
        parent = workload
        if via is not None:
            rs = {
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": f"{meta['name']}-5d8f7c", "namespace": meta["namespace"],
                             "ownerReferences": owner(workload)},
                "spec": {"replicas": count, "template": copy.deepcopy(template)},
            }  # fmt: skip
            parent = self.seed(via, rs)
        for i in range(count):
            self.pod(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        **copy.deepcopy(template.get("metadata") or {}),
                        "name": f"{parent['metadata']['name']}-{i:05d}",
                        "namespace": meta["namespace"],
                        "ownerReferences": owner(parent),
                    },
                    "spec": copy.deepcopy(template["spec"]),
                }
            )
        return workload

    def pod(self, pod: Obj, phase: str = "Running") -> Obj:
        pod = copy.deepcopy(pod)
        pod.setdefault("status", {"phase": phase})
        return self.seed("v1/pods", pod)

    def objects(self, resource: str, namespace: str | None = None) -> list[Obj]:
        return self.emu.thread.objects(resource, namespace)

    def get(self, resource: str, namespace: str, name: str) -> Obj:
        for obj in self.objects(resource, namespace):
            if obj["metadata"]["name"] == name:
                return obj
        raise AssertionError(f"{resource} {namespace}/{name} not found")

    def policy(self, namespace: str, name: str) -> Obj:
        return self.get(POLICIES, namespace, name)

    def record_requests(self) -> None:
        """Keep the emulator's request log (read it with ``writes``)."""
        self.emu.thread.call(lambda e: setattr(e, "keep_requests", True))

    def writes(self, plural: str) -> list[tuple[str, str]]:
        """(method, path) of every write the emulator received to ``plural`` objects."""

        def collect(e: Any) -> list[tuple[str, str]]:
            found = []
            for r in list(e):  # kmock's request log, through its public iteration
                method, path = str(r.method.value), str(r.url.path)
                if method in {"POST", "PUT", "PATCH", "DELETE"} and f"/{plural}" in path:
                    found.append((method, path))
            return found

        return self.emu.thread.call(collect)


@dataclass
class Operator:
    """The reconcile operator running in-process on an ephemeral port."""

    url: str
    session: aiohttp.ClientSession

    async def get(self, path: str) -> tuple[int, str]:
        async with self.session.get(self.url + path) as response:
            return response.status, await response.text()

    async def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """Every sample of /metrics, keyed by (name, sorted labels)."""
        status, text = await self.get("/metrics")
        assert status == 200
        return {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
        }

    async def value(self, name: str, **labels: str) -> float | None:
        return (await self.metrics()).get((name, tuple(sorted(labels.items()))))


@contextlib.asynccontextmanager
async def running_operator(emu: KubeEmulator, **overrides: Any) -> AsyncIterator[Operator]:
    """Start ``run_reconcile`` against ``emu`` (interval 1 s) and stop it afterwards."""
    options: dict[str, Any] = {"interval": 1.0, "debounce": 0.2, "backoff_base": 0.2}
    options.update(overrides)
    lease = dataclasses.replace(RECONCILE_LEASE, identity=options.pop("identity", None))
    settings = ReconcileSettings(
        cluster=ClusterSettings(str(emu.kubeconfig)),
        serve=ServeSettings("127.0.0.1", 0),
        lease=lease,
        registry=CollectorRegistry(),
        **options,
    )
    stop = asyncio.Event()
    port: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_reconcile(settings, stop=stop, on_listening=port.set_result))
    try:
        bound = await asyncio.wait_for(port, 10)
        async with aiohttp.ClientSession() as session:
            yield Operator(f"http://127.0.0.1:{bound}", session)
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0
