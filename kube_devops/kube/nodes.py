"""The calls a kubelet and a scheduler make: register a Node, renew its Lease, bind and report pods.

Public API (all ``async``, over a ``KubeClient``, plain JSON dicts):

- ``register_node(client, node) -> dict`` — create the Node, or, when it exists, refresh its
  labels and status (a restarted kubelet re-registers the same way);
- ``report_node_status(client, name, status) -> dict`` — merge patch of ``nodes/status``;
- ``renew_lease(client, lease) -> dict`` — create the Lease, or merge patch its ``spec``;
- ``bind_pod(client, namespace, name, node)`` — the ``pods/binding`` subresource (what the
  scheduler posts; the API server sets ``spec.nodeName`` and ``PodScheduled``);
- ``report_pod_status(client, namespace, name, status) -> dict`` — merge patch of ``pods/status``;
- ``confirm_pod_deletion(client, namespace, name, uid)`` — delete with grace period 0 and a uid
  precondition, the kubelet's last word on a terminating pod.

Errors are the ``kube_devops.kube.errors`` hierarchy (``Conflict`` when a pod is already bound,
``NotFound`` when it is gone).
"""

from __future__ import annotations

from kube_devops.kube.client import JsonDict, KubeClient
from kube_devops.kube.errors import Conflict, NotFound
from kube_devops.kube.resources import LEASES, NODES, PODS


async def register_node(client: KubeClient, node: JsonDict) -> JsonDict:
    """Create ``node``; when it already exists, patch its labels and status instead."""
    name = node["metadata"]["name"]
    try:
        return await client.create(NODES, node)
    except Conflict:
        labels = {"metadata": {"labels": node["metadata"].get("labels") or {}}}
        await client.patch(NODES, name, labels)
        return await report_node_status(client, name, node.get("status") or {})


async def report_node_status(client: KubeClient, name: str, status: JsonDict) -> JsonDict:
    """Replace the fields of the Node's status that ``status`` carries (merge patch)."""
    return await client.patch(NODES, name, {"status": status}, subresource="status")


async def renew_lease(client: KubeClient, lease: JsonDict) -> JsonDict:
    """Create the Lease, or set its ``spec`` (renewTime, holder, duration) when it exists."""
    meta = lease["metadata"]
    try:
        return await client.patch(
            LEASES, meta["name"], {"spec": lease["spec"]}, namespace=meta["namespace"]
        )
    except NotFound:
        return await client.create(LEASES, lease)


async def bind_pod(client: KubeClient, namespace: str, name: str, node: str) -> None:
    """Bind the pod to ``node`` (``Conflict`` when it is bound already)."""
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": name, "namespace": namespace},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    }
    await client.request("POST", PODS.path(namespace, name, "binding"), body=binding)


async def report_pod_status(
    client: KubeClient, namespace: str, name: str, status: JsonDict
) -> JsonDict:
    """Merge-patch the pod's status (lists in ``status`` replace the stored ones)."""
    return await client.patch(
        PODS, name, {"status": status}, namespace=namespace, subresource="status"
    )


async def confirm_pod_deletion(client: KubeClient, namespace: str, name: str, uid: str) -> None:
    """Delete the pod now (grace period 0), only if it is still the pod with ``uid``."""
    options = {
        "apiVersion": "v1",
        "kind": "DeleteOptions",
        "gracePeriodSeconds": 0,
        "preconditions": {"uid": uid},
    }
    await client.request("DELETE", PODS.path(namespace, name), body=options)
