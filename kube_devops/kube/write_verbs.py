"""The client's writing verbs, each returning the API server's JSON answer as a plain dict.

Public API:

- ``PatchType`` — patch flavours and their content types (``MERGE``, ``JSON``, ``STRATEGIC``,
  ``APPLY``).
- Methods of ``WriteVerbs``, a base of ``KubeClient``:

  - ``await create(resource, body, namespace=None)``;
  - ``await replace(resource, body, namespace=None)`` — PUT; ``body.metadata.resourceVersion``
    makes it a compare-and-swap (``Conflict`` when the object changed);
  - ``await patch(resource, name, body, *, namespace=None, patch_type=PatchType.MERGE,
    subresource=None, field_manager=None, force=False)`` — ``PatchType.JSON`` takes a list of
    RFC 6902 operations, ``PatchType.APPLY`` is server-side apply (needs ``field_manager``);
  - ``await json_patch(resource, name, ops, *, namespace, field_manager)`` — RFC 6902 ``ops``;
  - ``await delete(resource, name, namespace=None)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.kube.resources import Resource
from kube_devops.kube.transport import Transport, as_dict


class PatchType(StrEnum):
    """Patch flavours and their content types."""

    MERGE = "application/merge-patch+json"
    JSON = "application/json-patch+json"
    STRATEGIC = "application/strategic-merge-patch+json"
    APPLY = "application/apply-patch+yaml"


class WriteVerbs(Transport):
    """POST, PUT, PATCH and DELETE of one object."""

    async def create(
        self, resource: Resource, body: JsonDict, namespace: str | None = None
    ) -> JsonDict:
        """Create ``body``; its namespace defaults to ``body.metadata.namespace``."""
        ns = namespace or Meta.of(body).declared_namespace
        return as_dict(await self.request("POST", resource.path(ns), body=body))

    async def replace(
        self, resource: Resource, body: JsonDict, namespace: str | None = None
    ) -> JsonDict:
        """PUT ``body`` over the object it names (compare-and-swap on its resourceVersion)."""
        meta = body.get("metadata") or {}
        path = resource.path(namespace or meta.get("namespace"), meta.get("name"))
        return as_dict(await self.request("PUT", path, body=body))

    async def patch(
        self,
        resource: Resource,
        name: str,
        body: Any,
        *,
        namespace: str | None = None,
        patch_type: PatchType = PatchType.MERGE,
        subresource: str | None = None,
        field_manager: str | None = None,
        force: bool = False,
    ) -> JsonDict:
        """Patch one object (or its ``status``/``scale`` subresource)."""
        query: list[tuple[str, str]] = []
        if field_manager:
            query.append(("fieldManager", field_manager))
        if force:
            query.append(("force", "true"))
        path = resource.path(namespace, name, subresource)
        answer = await self.request("PATCH", path, query=query, body=body, content_type=patch_type)
        return as_dict(answer)

    async def json_patch(
        self,
        resource: Resource,
        name: str,
        ops: Sequence[Mapping[str, Any]],
        *,
        namespace: str | None,
        field_manager: str,
    ) -> JsonDict:
        """Apply RFC 6902 ``ops`` to one object (its ``test`` ops guard the others)."""
        body = [dict(op) for op in ops]
        return await self.patch(
            resource,
            name,
            body,
            namespace=namespace,
            patch_type=PatchType.JSON,
            field_manager=field_manager,
        )

    async def delete(self, resource: Resource, name: str, namespace: str | None = None) -> JsonDict:
        """Delete one object; the answer is the deleted object or a Status."""
        return as_dict(await self.request("DELETE", resource.path(namespace, name)))
