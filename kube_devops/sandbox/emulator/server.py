"""The ``Emulator``: kmock's ``KubernetesEmulator`` answering as kube-apiserver does.

Requests enter through ``__call__`` (``/api/v1/namespaces`` is aliased so kmock parses it) and
``_handle`` (writes first, in ``writes.Writes``, under the watch hub's lock; then kmock's routing
to the ``_serve_*`` reads). Reads answer 201 for creates (and for a server-side apply that
created), ``Scale`` objects for ``.../scale``, Tables when asked (``views``), sorted lists with
a real ``resourceVersion``, watches from the ``WatchHub``, and discovery, ``/version`` and
OpenAPI from ``views``. ``seed``, ``modify``, ``compact``, ``drop_watches`` and
``end_watches`` serve tests and the sandbox. kmock's private names (the hooks overridden here,
its request log, its plain routing) are reached through ``sandbox.thirdparty`` only.
"""

from __future__ import annotations

import collections
import re
from typing import Any

import aiohttp.web
import attrs
import kmock

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.sandbox.thirdparty import Response, forget_request, replace_request, route

from . import paging, selectors, views
from .catalog import RESOURCES, ResourceSpec, resource_info
from .ownership import Owners
from .scale import scale_of
from .table import api_version, error
from .watches import WatchHub
from .writes import Writes


@attrs.define(kw_only=True)
class Emulator(Writes, kmock.KubernetesEmulator):
    """kmock's emulator answering as kube-apiserver does (see the module docstring)."""

    keep_requests: bool = False
    watches: WatchHub = attrs.field(factory=WatchHub)
    _rv: int = 0
    _created: set[int] = attrs.field(factory=set)
    """Requests (by id) whose PATCH (a server-side apply) created the object: they answer 201."""
    _crd_specs: dict[str, ResourceSpec] = attrs.field(factory=dict)
    """Resources served because a CustomResourceDefinition of theirs is stored, by key."""
    _dry_id: int | None = None
    """The request (by id) being written with ``dryRun=All``, if one is."""
    _dry_answers: dict[int, JsonDict] = attrs.field(factory=dict)
    """What each dry-run request (by id) would have stored: its answer."""
    _owners: Owners = attrs.field(factory=Owners)
    """The fields each server-side apply manager applied last, per object."""
    _tombstones: collections.deque[Any] = attrs.field(factory=collections.deque)
    """Keys of deleted objects still in kmock's store (it answers a DELETE from there), oldest
    first; beyond ``TOMBSTONES`` they are dropped, so churn does not grow the store."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        for spec in RESOURCES:
            self.resources[spec.key] = resource_info(spec)
        self.fallback[kmock.method.PUT] << self._serve_update
        self.fallback["get", re.compile(r"/openapi/v3(/.*)?")] << self._serve_openapi

    def specs(self) -> dict[Any, ResourceSpec]:
        """The served resources' specs by kmock resource (registered ones included)."""
        return views.served_specs(self.resources, self._crd_specs)

    # -- request entry -------------------------------------------------------------------------

    async def __call__(self, raw_request: aiohttp.web.BaseRequest) -> aiohttp.web.StreamResponse:
        alias = views.namespaces_alias(raw_request.path)
        if alias is not None:  # kmock cannot parse /api/v1/namespaces[/name]
            url = raw_request.rel_url.with_path(alias).with_query(raw_request.rel_url.query)
            raw_request = raw_request.clone(rel_url=url)
        return await super().__call__(raw_request)

    async def _handle(self, parsed: kmock.Request) -> aiohttp.web.StreamResponse:
        request = views.namespace_request(parsed)
        if request is not parsed:  # kmock's views find a request by identity in this log
            replace_request(self, parsed, request)
        try:
            if request.resource is not None:
                async with self.watches.changed:
                    self._write(request)
                    self.watches.changed.notify_all()
            return await route(self, request)
        finally:
            self._created.discard(id(request))
            self._dry_answers.pop(id(request), None)
            if not self.keep_requests:  # forget this request only: others are in flight
                forget_request(self, request)

    async def _serve_create(self, request: kmock.Request) -> Any:
        dry = self._dry_answers.pop(id(request), None)
        answer = dry if dry is not None else await super()._serve_create(request)
        return Response(status=201, payload=answer)

    async def _serve_update(self, request: kmock.Request) -> Any:
        answer = await self._written(request)
        if request.subresource == "scale":
            answer = scale_of(answer)
        return Response(status=201 if id(request) in self._created else 200, payload=answer)

    async def _written(self, request: kmock.Request) -> JsonDict:
        """What an update request wrote (or, with ``dryRun=All``, would have written)."""
        dry = self._dry_answers.pop(id(request), None)
        if dry is not None:
            return dry
        live: JsonDict = await super()._serve_update(request)  # type: ignore[assignment]
        return live

    async def _serve_delete(self, request: kmock.Request) -> Any:
        dry = self._dry_answers.pop(id(request), None)
        return dry if dry is not None else await super()._serve_delete(request)

    # -- reads ---------------------------------------------------------------------------------

    async def _serve_list(self, request: kmock.Request) -> Any:
        spec = self.specs().get(request.resource)
        if spec is None:
            found = f"the server could not find the requested resource ({request.url.path})"
            raise error(404, "NotFound", found)
        items, metadata = self._listed(request)
        table = views.table_answer(spec, request, items, metadata)
        if table is not None:
            return table
        kind, version = f"{spec.kind}List", api_version(request.resource)
        return {"kind": kind, "apiVersion": version, "metadata": metadata, "items": items}

    def _listed(self, request: kmock.Request) -> tuple[list[JsonDict], JsonDict]:
        """The selected page of a list request's objects, and the list metadata."""
        stored = [
            (f"{namespace or ''}/{name}", obj)
            for (resource, namespace, name), obj in self.objects.items()
            if resource == request.resource and not obj.deleted
            and request.namespace in (None, namespace)
        ]  # fmt: skip
        rv, select = str(self._rv), selectors.matcher(request.params)
        if select is None:  # only the page's objects are read out of kmock's store
            chosen, metadata = paging.page(stored, request.params, rv, False)
            return [obj.raw for obj in chosen], metadata
        entries = [(key, obj.raw) for key, obj in stored]
        return paging.page([e for e in entries if select(e[1])], request.params, rv, True)

    async def _serve_fetch(self, request: kmock.Request) -> Any:
        answer: JsonDict = await super()._serve_fetch(request)  # type: ignore[assignment]
        if request.subresource == "scale":
            return scale_of(answer)
        spec = self.specs().get(request.resource)
        rv = Meta.of(answer).resource_version or ""
        table = views.table_answer(spec, request, [answer], {"resourceVersion": rv})
        return answer if table is None else table

    async def _serve_api(self, request: kmock.Request) -> Any:
        return views.discovery_answer(list(self.specs().values()), request)

    _serve_apis = _serve_group = _serve_version = _serve_api

    async def _serve_server_version(self, request: kmock.Request) -> Any:
        return views.server_version()

    async def _serve_openapi(self, request: kmock.Request) -> Any:
        return views.openapi_answer(list(self.specs().values()), request)

    def _serve_watch(self, request: kmock.Request) -> Any:
        transform = views.table_events(self.specs().get(request.resource), request)
        select = selectors.matcher(request.params)  # a bad selector answers 400 before streaming
        stream = self.watches.serve(request, self.objects, transform, select)
        return Response(payload=stream, headers={"Content-Type": views.WATCH_TYPE})

    # -- test and sandbox helpers (call on the emulator's loop) --------------------------------

    async def seed(self, resource: str, obj: JsonDict) -> JsonDict:
        """Store ``obj`` as if created over the API (stamped, with an ADDED event)."""
        meta = obj.setdefault("metadata", {})
        res = kmock.resource(resource)
        request = kmock.Request(resource=res, namespace=meta.get("namespace"), data=obj)
        async with self.watches.changed:
            self._create(request, admit=False)
            self.watches.changed.notify_all()
        return obj

    async def modify(self, resource: str, obj: JsonDict) -> JsonDict:
        """Store ``obj`` over the object of its namespace and name, unconditionally (MODIFIED)."""
        meta = obj.get("metadata") or {}
        key: Any = (kmock.resource(resource), meta.get("namespace"), meta.get("name"))
        async with self.watches.changed:
            self._store(key, obj, "MODIFIED")
            self.watches.changed.notify_all()
        return obj

    async def compact(self) -> None:
        """Forget the event logs: watches resuming from an older resourceVersion get 410 Gone."""
        await self.watches.compact(self._rv)

    def drop_watches(self) -> int:
        """Cut every open watch connection (see ``WatchHub.drop``); returns how many were cut."""
        return self.watches.drop()

    async def end_watches(self) -> None:
        """Cut every watch and end each one now and from now on (before server shutdown)."""
        await self.watches.end()
