"""Fill a fresh real control plane, as its administrator, and give the components an identity.

Server-side apply (field manager ``kube-devops-sandbox``) of the objects of :mod:`.objects`,
waiting for the CRDs to be established, then the seed the emulated sandbox also uses
(:mod:`kube_devops.sandbox.seed`: sample namespaces, policies and workloads, our Services and
ServiceMonitors) once the namespaces' ``default`` ServiceAccounts exist (the ServiceAccount
admission plugin needs them for pods). Last, a TokenRequest for our ServiceAccount and a
kubeconfig with that token: the components get exactly what our generated RBAC grants.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import KubeError, NotFound
from kube_devops.kube.resources import CRDS
from kube_devops.kube.write_verbs import PatchType
from kube_devops.manifests.labels import Manifest
from kube_devops.manifests.rbac import SERVICE_ACCOUNT
from kube_devops.runtime.sync import run_sync
from kube_devops.sandbox.real.objects import RESOURCES
from kube_devops.sandbox.seed import Seed

FIELD_MANAGER = "kube-devops-sandbox"
TOKEN_SECONDS = 24 * 3600
"""Lifetime of the components' token: longer than any sandbox runs."""


@dataclass(frozen=True, slots=True)
class BootstrapPlan:
    """What to put in, in order."""

    crds: Sequence[Manifest]
    objects: Sequence[Manifest]
    """kube-devops's objects and the sandbox's admission policy (need the CRDs)."""
    seed: Seed
    """Namespaces, then objects (Endpoints excluded: see :mod:`.api`)."""
    namespace: str = "kube-devops"
    timeout: float = 30.0


def bootstrap(
    admin_kubeconfig: Path, plan: BootstrapPlan, say: Callable[[str], None]
) -> tuple[str, int]:
    """Apply the plan; returns a token of our ServiceAccount and how many objects were applied.
    Raises KubeError naming the object that failed."""
    return run_sync(lambda: _bootstrap(admin_kubeconfig, plan, say))


async def _bootstrap(
    admin_kubeconfig: Path, plan: BootstrapPlan, say: Callable[[str], None]
) -> tuple[str, int]:
    client = KubeClient.from_config(ClusterConfig(str(admin_kubeconfig)))
    try:
        await apply_all(client, plan.crds)
        await wait_established(client, [c["metadata"]["name"] for c in plan.crds], plan.timeout)
        await apply_all(client, plan.objects)
        have = {o["metadata"]["name"] for o in plan.objects if o["kind"] == "Namespace"}
        namespaces = [n for n in plan.seed.namespaces if n not in have]
        await apply_all(client, [_namespace(n) for n in namespaces])
        await wait_default_accounts(client, namespaces, plan.timeout)
        await apply_all(client, plan.seed.objects)
        count = len(plan.crds) + len(plan.objects) + len(namespaces) + len(plan.seed.objects)
        return await request_token(client, plan.namespace, SERVICE_ACCOUNT), count
    finally:
        client.close()


async def apply_all(client: KubeClient, documents: Sequence[Manifest]) -> None:
    """Server-side apply each document in order; KubeError names the one that failed."""
    for obj in documents:
        meta, kind = obj["metadata"], obj["kind"]
        resource = RESOURCES.get(kind)
        if resource is None:
            raise KubeError(f"sandbox bootstrap: no API resource known for kind {kind}")
        try:
            await client.patch(
                resource, meta["name"], obj, namespace=meta.get("namespace"),
                patch_type=PatchType.APPLY, field_manager=FIELD_MANAGER, force=True,
            )  # fmt: skip
        except KubeError as err:
            where = f"{meta.get('namespace')}/" if meta.get("namespace") else ""
            raise KubeError(f"applying {kind} {where}{meta['name']} failed: {err}") from err


async def wait_established(client: KubeClient, names: Sequence[str], within: float) -> None:
    """Wait until every CRD in ``names`` reports the condition Established=True."""
    deadline = time.monotonic() + within
    for name in names:
        while not _established(await client.get(CRDS, name)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"CRD {name} not established after {within:g}s")
            await asyncio.sleep(0.05)


def _established(crd: dict[str, Any]) -> bool:
    conditions = (crd.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)


async def wait_default_accounts(
    client: KubeClient, namespaces: Sequence[str], within: float
) -> None:
    """Wait until kube-controller-manager created the ``default`` ServiceAccount of each one."""
    accounts, deadline = RESOURCES["ServiceAccount"], time.monotonic() + within
    for namespace in namespaces:
        while True:
            try:
                await client.get(accounts, "default", namespace)
                break
            except NotFound:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"namespace {namespace} has no default ServiceAccount after {within:g}s;"
                        " is kube-controller-manager running?"
                    ) from None
                await asyncio.sleep(0.05)


async def request_token(client: KubeClient, namespace: str, account: str) -> str:
    """A token of ``namespace/account`` (TokenRequest API) for :data:`TOKEN_SECONDS`."""
    path = RESOURCES["ServiceAccount"].path(namespace, account, "token")
    body = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "spec": {"expirationSeconds": TOKEN_SECONDS},
    }
    answer = await client.request("POST", path, body=body)
    return str(answer["status"]["token"])


def _namespace(name: str) -> Manifest:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
