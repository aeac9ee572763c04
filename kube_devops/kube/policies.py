"""``DevOpsPolicy`` writes for the reconcile operator: status, metadata JSON patches and Events.

Public API:

- ``await patch_policy_status(client, namespace, name, status, field_manager)`` — a JSON merge
  patch ``{"status": status}`` on the **status subresource**; ``None`` values delete fields.
- ``await json_patch_policy(client, namespace, name, ops, field_manager)`` — RFC 6902 ops on the
  policy object itself (used for finalizer entries, guarded by ``test`` ops).
- ``await create_event(client, event)`` — create a core/v1 ``Event`` in its own namespace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.kube.client import KubeClient
from kube_devops.kube.resources import DEVOPSPOLICIES, EVENTS
from kube_devops.kube.write_verbs import PatchType


async def patch_policy_status(
    client: KubeClient,
    namespace: str,
    name: str,
    status: Mapping[str, Any],
    field_manager: str,
) -> JsonDict:
    """Merge-patch the status subresource of one policy; the updated object."""
    return await client.patch(
        DEVOPSPOLICIES,
        name,
        {"status": dict(status)},
        namespace=namespace,
        patch_type=PatchType.MERGE,
        subresource="status",
        field_manager=field_manager,
    )


async def json_patch_policy(
    client: KubeClient,
    namespace: str,
    name: str,
    ops: Sequence[Mapping[str, Any]],
    field_manager: str,
) -> JsonDict:
    """Apply RFC 6902 ``ops`` to one policy object (not its status)."""
    return await client.json_patch(
        DEVOPSPOLICIES, name, ops, namespace=namespace, field_manager=field_manager
    )


async def create_event(client: KubeClient, event: Mapping[str, Any]) -> JsonDict:
    """Create ``event`` (a core/v1 Event dict) in ``event.metadata.namespace``."""
    return await client.create(EVENTS, dict(event))
