"""Async facade over the official client: plain JSON dicts in and out, typed errors.

Public API:

- ``KubeClient.from_config(ClusterConfig) -> KubeClient`` (or ``KubeClient(api_client)``).
- Every call runs the blocking client in a daemon worker thread of its own and returns the
  decoded JSON exactly as the API server sent it (camelCase keys, never client model objects).
  Every request is bounded: ``connect_timeout`` to connect and ``request_timeout`` between two
  reads of the answer (a watch passes its own read timeout). The threads are daemons, never the
  event loop's default executor, so a request hanging on a silent API server can delay neither
  the loop's nor the interpreter's exit:

  - ``await version()`` — ``/version``;
  - ``await get(resource, name, namespace=None)``;
  - ``await list(resource, namespace=None, *, label_selector=None, field_selector=None,
    limit=None, continue_token=None)`` — one page, a ``...List`` dict with
    ``metadata.resourceVersion``; ``await list_all(...)`` follows ``continue`` tokens;
  - ``await create(resource, body, namespace=None)``;
  - ``await replace(resource, body, namespace=None)`` — PUT; ``body.metadata.resourceVersion``
    makes it a compare-and-swap (``Conflict`` when the object changed);
  - ``await patch(resource, name, body, *, namespace=None, patch_type=PatchType.MERGE,
    subresource=None, field_manager=None, force=False)`` — ``PatchType.JSON`` takes a list of
    RFC 6902 operations, ``PatchType.APPLY`` is server-side apply (needs ``field_manager``);
  - ``await json_patch(resource, name, ops, *, namespace, field_manager)`` — RFC 6902 ``ops``;
  - ``await delete(resource, name, namespace=None)``;
  - ``await request(method, path, *, query=(), body=None, content_type=None)`` — anything else.
- ``contact`` — a ``kube_devops.kube.contact.ApiContact``: when the API server last answered
  and whether a request has failed since (the components' readiness reads it).
- ``open_stream(path, query, read_timeout)`` — blocking: a streaming response for watches (used by
  ``kube_devops.kube.watch``).
- Lifecycle: the client counts the requests running in worker threads (``in_flight``;
  cancelling the awaiting task does not stop its thread, which ends by its timeouts).
  ``await drain(limit) -> bool`` waits up to ``limit`` seconds until none is left;
  ``await aclose(grace)`` drains, then releases the connection pool, so no request is cut off by
  the pool closing under it. ``close()`` releases the pool at once (for synchronous code).

Failures raise the ``kube_devops.kube.errors`` hierarchy (``NotFound``, ``Conflict``, ``Gone``,
``Forbidden``, ``TransientError`` ...), each naming the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any

import urllib3
from kubernetes import client

from kube_devops.core.bodies import JsonDict as JsonDict
from kube_devops.core.meta import Meta
from kube_devops.kube.config import ClusterConfig, load_api_client
from kube_devops.kube.contact import ApiContact
from kube_devops.kube.errors import KubeError, TransientError, error_from_status
from kube_devops.kube.resources import Resource
from kube_devops.kube.threads import in_daemon_thread

log = logging.getLogger(__name__)

#: Seconds allowed to open a TCP (and TLS) connection to the API server.
CONNECT_TIMEOUT = 5.0

Query = Sequence[tuple[str, str]]
_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]


class PatchType(StrEnum):
    """Patch flavours and their content types."""

    MERGE = "application/merge-patch+json"
    JSON = "application/json-patch+json"
    STRATEGIC = "application/strategic-merge-patch+json"
    APPLY = "application/apply-patch+yaml"


class KubeClient:
    """Async, dict-based access to one cluster (see the module docstring)."""

    def __init__(
        self,
        api: client.ApiClient,
        *,
        request_timeout: float = 30.0,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.api = api
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self.contact = ApiContact()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._idle_waiters: list[_Waiter] = []

    @classmethod
    def from_config(
        cls,
        cfg: ClusterConfig,
        *,
        request_timeout: float = 30.0,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> KubeClient:
        """A client for the cluster ``cfg`` designates (``ConfigError`` if there is none)."""
        api = load_api_client(cfg)
        return cls(api, request_timeout=request_timeout, connect_timeout=connect_timeout)

    @property
    def host(self) -> str:
        """The API server URL."""
        return str(self.api.configuration.host)

    def close(self) -> None:
        """Release pooled connections now (requests still running are not waited for)."""
        self.api.close()  # type: ignore[no-untyped-call]

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Requests running in worker threads right now (watch streams count while opening)."""
        return self._in_flight

    async def drain(self, limit: float) -> bool:
        """Wait up to ``limit`` seconds until no request is in flight; True when none is."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if not self._in_flight:
                return True
            idle: asyncio.Future[None] = loop.create_future()
            self._idle_waiters.append((loop, idle))
        try:
            async with asyncio.timeout(limit):
                await idle
        except TimeoutError:
            return False
        return True

    async def aclose(self, grace: float = 5.0) -> None:
        """Drain requests in flight (at most ``grace`` seconds), then release the pool."""
        if not await self.drain(grace):
            log.warning(
                "closing the API client with requests still running",
                extra={"in_flight": self._in_flight, "grace": grace},
            )
        self.close()

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        with self._lock:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
                waiters: list[_Waiter] = []
                if not self._in_flight:
                    waiters, self._idle_waiters = self._idle_waiters, []
            for loop, idle in waiters:
                with contextlib.suppress(RuntimeError):  # that event loop is already closed
                    loop.call_soon_threadsafe(_resolve, idle)

    # -- generic -------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = (),
        body: Any = None,
        content_type: str | None = None,
    ) -> Any:
        """Send one request off the event loop; the decoded JSON answer."""
        return await in_daemon_thread(
            self.request_sync, method, path, query, body, content_type, name=f"{method} {path}"
        )

    def request_sync(
        self,
        method: str,
        path: str,
        query: Query = (),
        body: Any = None,
        content_type: str | None = None,
    ) -> Any:
        """Blocking form of ``request`` (for worker threads only)."""
        where = f"{method} {path}"
        with self._tracked():
            response = self._send(method, path, query, body, content_type, self.request_timeout)
            try:
                data = response.data
            finally:
                response.release_conn()
        if not 200 <= response.status < 300:
            raise error_from_status(response.status, response.reason or "", data, where)
        return json.loads(data) if data else {}

    def open_stream(
        self, path: str, query: Query, read_timeout: float
    ) -> urllib3.response.BaseHTTPResponse:
        """Blocking: start a streaming GET (a watch); raises typed errors on a non-2xx status."""
        with self._tracked():
            response = self._send("GET", path, query, None, None, read_timeout)
        if not 200 <= response.status < 300:
            data = response.data
            response.release_conn()
            raise error_from_status(response.status, response.reason or "", data, f"GET {path}")
        return response

    def _send(
        self,
        method: str,
        path: str,
        query: Query,
        body: Any,
        content_type: str | None,
        read_timeout: float,
    ) -> urllib3.response.BaseHTTPResponse:
        headers = {"Accept": "application/json"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        elif body is not None:
            headers["Content-Type"] = "application/json"
        try:
            serialized = self.api.param_serialize(
                method,
                path,
                query_params=list(query) or None,
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
            )
            timeouts = (self.connect_timeout, read_timeout)
            answer = self.api.call_api(*serialized, _request_timeout=timeouts)
        except (urllib3.exceptions.HTTPError, OSError) as err:
            self.contact.failed()
            where = f"{method} {path}"
            raise TransientError(f"cannot reach the API server: {err}", where=where) from err
        except client.ApiException as err:
            self._answered(err.status or 0)
            where = f"{method} {path}"
            raise error_from_status(err.status or 0, str(err.reason), err.body, where) from err
        response: urllib3.response.BaseHTTPResponse = answer.response
        self._answered(response.status)
        return response

    def _answered(self, status: int) -> None:
        if 0 < status < 500:
            self.contact.answered()
        else:
            self.contact.failed()

    # -- verbs ---------------------------------------------------------------------------------

    async def version(self) -> JsonDict:
        """The server's ``/version`` document."""
        return _as_dict(await self.request("GET", "/version"))

    async def get(self, resource: Resource, name: str, namespace: str | None = None) -> JsonDict:
        """One object."""
        return _as_dict(await self.request("GET", resource.path(namespace, name)))

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
        return _as_dict(await self.request("GET", resource.path(namespace), query=query))

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

    async def create(
        self, resource: Resource, body: JsonDict, namespace: str | None = None
    ) -> JsonDict:
        """Create ``body``; its namespace defaults to ``body.metadata.namespace``."""
        ns = namespace or Meta.of(body).declared_namespace
        return _as_dict(await self.request("POST", resource.path(ns), body=body))

    async def replace(
        self, resource: Resource, body: JsonDict, namespace: str | None = None
    ) -> JsonDict:
        """PUT ``body`` over the object it names (compare-and-swap on its resourceVersion)."""
        meta = body.get("metadata") or {}
        path = resource.path(namespace or meta.get("namespace"), meta.get("name"))
        return _as_dict(await self.request("PUT", path, body=body))

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
        return _as_dict(answer)

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
        return _as_dict(await self.request("DELETE", resource.path(namespace, name)))


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


def _resolve(idle: asyncio.Future[None]) -> None:
    if not idle.done():
        idle.set_result(None)


def _as_dict(answer: Any) -> JsonDict:
    if isinstance(answer, dict):
        return answer
    raise KubeError(f"expected a JSON object from the API server, got {type(answer).__name__}")
