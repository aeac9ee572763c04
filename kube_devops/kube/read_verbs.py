"""The client's reading verbs, each returning the API server's JSON as a plain dict.

Public API (methods of ``ReadVerbs``, a base of ``KubeClient``):

- ``await version()`` — ``/version``;
- ``await get(resource, name, namespace=None)`` — one object;
- ``await list(resource, namespace=None, *, label_selector=None, field_selector=None,
  limit=None, continue_token=None)`` — one page, a ``...List`` dict with
  ``metadata.resourceVersion`` (all namespaces when ``namespace`` is None);
- ``await list_all(resource, namespace=None, *, label_selector=None, page_size=500)`` — every
  page, following ``continue`` tokens; the items of all pages with the last page's metadata.
"""

from __future__ import annotations

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.kube.resources import Resource
from kube_devops.kube.transport import Transport, as_dict


class ReadVerbs(Transport):
    """GET requests: one object, one page of a list, or the whole list."""

    async def version(self) -> JsonDict:
        """The server's ``/version`` document."""
        return as_dict(await self.request("GET", "/version"))

    async def get(self, resource: Resource, name: str, namespace: str | None = None) -> JsonDict:
        """One object."""
        return as_dict(await self.request("GET", resource.path(namespace, name)))

    async def list(
        self,
        resource: Resource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> JsonDict:
        """One page of a list (all namespaces when ``namespace`` is None)."""
        query = _list_query(label_selector, field_selector, limit, continue_token)
        return as_dict(await self.request("GET", resource.path(namespace), query=query))

    async def list_all(
        self,
        resource: Resource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        page_size: int = 500,
    ) -> JsonDict:
        """The whole list, following ``continue`` tokens; metadata of the last page."""
        items: list[JsonDict] = []
        token: str | None = None
        while True:
            page = await self.list(
                resource,
                namespace,
                label_selector=label_selector,
                limit=page_size,
                continue_token=token,
            )
            items.extend(page.get("items") or [])
            token = Meta.of(page).list_continue
            if not token:
                page["items"] = items
                return page


def _list_query(
    label_selector: str | None,
    field_selector: str | None,
    limit: int | None,
    continue_token: str | None,
) -> list[tuple[str, str]]:
    query: list[tuple[str, str]] = []
    if label_selector:
        query.append(("labelSelector", label_selector))
    if field_selector:
        query.append(("fieldSelector", field_selector))
    if limit:
        query.append(("limit", str(limit)))
    if continue_token:
        query.append(("continue", continue_token))
    return query
