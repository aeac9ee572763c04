"""Workload access for enforcement: owner resolution through the API and guarded JSON patches.

Public API:

- ``OwnerResolver(client)`` — ``await resolve(pod) -> dict | None``: the workload object that
  owns ``pod``, read from the API: Pod -> ReplicaSet -> Deployment, or a StatefulSet / DaemonSet
  directly. None for bare pods and other owners (Jobs, operators' custom kinds). ReplicaSet
  lookups are cached for the resolver's lifetime (make one per reconcile cycle).
- ``await get_workload(client, kind, namespace, name) -> dict`` — a fresh read.
- ``await json_patch_workload(client, kind, namespace, name, ops, field_manager)`` — an RFC 6902
  patch; a failed ``test`` op comes back as ``Invalid`` (HTTP 422) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from kube_devops.core.bodies import JsonDict, OwnerReference, Workload
from kube_devops.core.meta import Meta
from kube_devops.core.workloads import REMEDIABLE_KINDS
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import NotFound
from kube_devops.kube.resources import DAEMONSETS, DEPLOYMENTS, REPLICASETS, STATEFULSETS, Resource

#: The resource of each kind enforcement patches (``core.workloads.REMEDIABLE_KINDS``).
WORKLOAD_RESOURCES: Mapping[str, Resource] = {
    resource.kind: resource
    for resource in (DEPLOYMENTS, STATEFULSETS, DAEMONSETS)
    if resource.kind in REMEDIABLE_KINDS
}


def controller_owner(obj: Mapping[str, Any]) -> OwnerReference | None:
    """The ``controller: true`` owner reference of ``obj``, else its first one, else None."""
    refs = Meta.of(obj).owner_references
    for ref in refs:
        if ref.get("controller"):
            return ref
    return refs[0] if refs else None


class OwnerResolver:
    """Resolves pods to their workload through the API, caching ReplicaSet owners."""

    def __init__(self, client: KubeClient) -> None:
        self.client = client
        self._replicasets: dict[tuple[str, str], OwnerReference | None] = {}
        self._workloads: dict[tuple[str, str, str], Workload | None] = {}

    async def resolve(self, pod: Mapping[str, Any]) -> Workload | None:
        """The Deployment/StatefulSet/DaemonSet owning ``pod``, or None."""
        namespace = Meta.of(pod).namespace
        ref = controller_owner(pod)
        if ref is None:
            return None
        kind, name = ref.get("kind"), ref.get("name")
        if kind == "ReplicaSet" and isinstance(name, str):
            ref = await self._replicaset_owner(namespace, name)
            if ref is None:
                return None
            kind, name = ref.get("kind"), ref.get("name")
        if kind not in WORKLOAD_RESOURCES or not isinstance(name, str):
            return None
        return await self._workload(str(kind), namespace, name)

    async def _replicaset_owner(self, namespace: str, name: str) -> OwnerReference | None:
        key = (namespace, name)
        if key not in self._replicasets:
            try:
                rs = await self.client.get(REPLICASETS, name, namespace)
            except NotFound:
                self._replicasets[key] = None
            else:
                self._replicasets[key] = controller_owner(rs)
        return self._replicasets[key]

    async def _workload(self, kind: str, namespace: str, name: str) -> Workload | None:
        key = (kind, namespace, name)
        if key not in self._workloads:
            try:
                self._workloads[key] = await get_workload(self.client, kind, namespace, name)
            except NotFound:
                self._workloads[key] = None
        return self._workloads[key]


async def get_workload(client: KubeClient, kind: str, namespace: str, name: str) -> Workload:
    """Read one workload; ``KeyError`` for kinds that are not patchable."""
    obj = cast(Workload, await client.get(_resource(kind), name, namespace))
    obj.setdefault("kind", kind)
    return obj


async def json_patch_workload(
    client: KubeClient,
    kind: str,
    namespace: str,
    name: str,
    ops: Sequence[Mapping[str, Any]],
    field_manager: str,
) -> JsonDict:
    """Apply RFC 6902 ``ops`` to one workload; the patched object."""
    return await client.json_patch(
        _resource(kind), name, ops, namespace=namespace, field_manager=field_manager
    )


def _resource(kind: str) -> Resource:
    try:
        return WORKLOAD_RESOURCES[kind]
    except KeyError:
        raise KeyError(
            f"workload kind {kind!r} is not patchable; only {sorted(WORKLOAD_RESOURCES)}"
        ) from None
