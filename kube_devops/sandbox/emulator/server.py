"""The ``Emulator``: kmock's ``KubernetesEmulator`` with real write semantics and resumable watches.

Writes stamp ``metadata.uid``, ``resourceVersion`` (one global counter, as etcd does),
``creationTimestamp`` and ``generation`` (bumped when ``spec`` changes); creates answer 201; PUT is
served; a ``metadata.resourceVersion`` in a PUT or patch is a precondition; a PATCH is applied as
its ``Content-Type`` says (``patching``), and a server-side apply of a missing object creates it
(201); ``.../status`` writes change only ``status``, ``.../scale`` reads and writes a ``Scale``;
deleting an object with finalizers only marks it. Every write is recorded in the ``WatchHub`` the
watches are served from. Discovery, OpenAPI and Tables are answered by ``views``.
"""

from __future__ import annotations

import copy
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp.web
import attrs
import kmock
from kmock._internal.rendering import Response  # not re-exported by kmock 0.8

from . import patching, views
from .catalog import ALL_VERBS, RESOURCES, ResourceSpec
from .scale import scale_of, scaled
from .table import Obj, api_version, check_precondition, error, now
from .watches import WatchHub


@attrs.define(kw_only=True)
class Emulator(kmock.KubernetesEmulator):
    """kmock's emulator with resourceVersion stamping, PUT, JSON patch and resumable watches."""

    keep_requests: bool = False
    watches: WatchHub = attrs.field(factory=WatchHub)
    _rv: int = 0
    _created: set[int] = attrs.field(factory=set)
    """Requests (by id) whose PATCH (a server-side apply) created the object: they answer 201."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        for spec in RESOURCES:
            self.resources[spec.key] = kmock.ResourceInfo(
                kind=spec.kind, namespaced=spec.namespaced, singular=spec.singular_name,
                verbs=ALL_VERBS, shortnames=spec.short_names, categories=spec.categories,
                subresources=spec.subresources,
            )  # fmt: skip
        self.fallback[kmock.method.PUT] << self._serve_update
        self.fallback["get", re.compile(r"/openapi/v3(/.*)?")] << self._serve_openapi

    def specs(self) -> dict[Any, ResourceSpec]:
        """The served resources' specs by kmock resource (registered ones included)."""
        return {kmock.resource(spec.key): spec for spec in views.served_specs(self.resources)}

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
            self._requests[:] = [request if seen is parsed else seen for seen in self._requests]
        try:
            if request.resource is not None:
                async with self.watches.changed:
                    self._write(request)
                    self.watches.changed.notify_all()
            return await kmock.RawHandler._handle(self, request)
        finally:
            self._created.discard(id(request))
            if not self.keep_requests:  # forget this request only: others are in flight
                _forget(self._requests, request)
                for payload in self._payloads:
                    _forget(payload._requests, request)

    def _write(self, request: kmock.Request) -> None:
        patching.check_encoding(request)
        if request.action == kmock.action.CREATE:
            self._create(request)
        elif request.name is None:
            return
        elif request.action == kmock.action.UPDATE:
            self._patch(request)
        elif request.method == kmock.method.PUT:
            self._put(request)
        elif request.action == kmock.action.DELETE:
            self._delete(request)

    # -- writes --------------------------------------------------------------------------------

    def _create(self, request: kmock.Request) -> None:
        body = request.data
        if not isinstance(body, dict):
            raise error(400, "BadRequest", "the body of a create must be a JSON object")
        meta = body.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + secrets.token_hex(3)[:5]
        if not meta.get("name"):
            raise error(422, "Invalid", "metadata.name: Required value")
        spec = self.specs().get(request.resource)
        kind, namespaced = (spec.kind, spec.namespaced) if spec else ("", True)
        namespace = (request.namespace or meta.get("namespace")) if namespaced else None
        if namespaced:
            meta["namespace"] = namespace
        key: Any = (request.resource, namespace, meta["name"])
        if key in self._objects and not self._objects[key].deleted:
            plural = request.resource.plural if request.resource else "objects"
            raise error(409, "AlreadyExists", f'{plural} "{meta["name"]}" already exists')
        if kind:
            body.setdefault("kind", kind)
        body.setdefault("apiVersion", api_version(request.resource))
        meta.update(
            uid=str(uuid.uuid4()), creationTimestamp=now(), generation=1, resourceVersion=""
        )
        self._store(key, body, "ADDED")

    def _current(self, request: kmock.Request) -> tuple[Any, Obj]:
        key: Any = (request.resource, request.namespace, request.name)
        if key not in self._objects or self._objects[key].deleted:
            plural = request.resource.plural if request.resource else "objects"
            raise error(404, "NotFound", f'{plural} "{request.name}" not found')
        return key, copy.deepcopy(self._objects[key].raw)

    def _patch(self, request: kmock.Request) -> None:
        kind, data = patching.patch_type(request), patching.patch_body(request)
        if kind == patching.PatchType.APPLY:
            data = patching.check_apply(request, data)
            if not self._exists(request) and request.subresource is None:
                self._create(attrs.evolve(request, data=copy.deepcopy(data)))
                self._created.add(id(request))
                return
        key, old = self._current(request)
        if isinstance(data, dict):
            check_precondition(old, (data.get("metadata") or {}).get("resourceVersion"))
        spec = self.specs().get(request.resource)
        custom = spec is not None and spec.custom
        if request.subresource == "scale":
            new = scaled(old, patching.patched(scale_of(old), kind, data, custom=custom))
        elif request.subresource == "status":
            status = patching.patched(old, kind, data, custom=custom).get("status")
            new = {**old, "status": status}
        else:
            new = patching.patched(old, kind, data, custom=custom)
        self._update(key, old, new)

    def _exists(self, request: kmock.Request) -> bool:
        key: Any = (request.resource, request.namespace, request.name)
        return key in self._objects and not self._objects[key].deleted

    def _put(self, request: kmock.Request) -> None:
        key, old = self._current(request)
        body = request.data
        if not isinstance(body, dict):
            raise error(400, "BadRequest", "the body of a replace must be a JSON object")
        check_precondition(old, (body.get("metadata") or {}).get("resourceVersion"))
        if request.subresource == "status":
            body = {**old, "status": body.get("status")}
        elif request.subresource == "scale":
            body = scaled(old, body)
        self._update(key, old, copy.deepcopy(body))

    def _update(self, key: Any, old: Obj, new: Obj) -> None:
        meta, old_meta = new.setdefault("metadata", {}), old.get("metadata", {})
        for field in ("name", "namespace", "uid", "creationTimestamp"):
            if field in old_meta:
                meta[field] = old_meta[field]
        generation = int(old_meta.get("generation") or 1)
        meta["generation"] = generation + (new.get("spec") != old.get("spec"))
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self._store(key, new, "DELETED")
        else:
            self._store(key, new, "MODIFIED")

    def _delete(self, request: kmock.Request) -> None:
        key, old = self._current(request)
        meta = old.setdefault("metadata", {})
        if meta.get("finalizers"):
            if not meta.get("deletionTimestamp"):
                meta["deletionTimestamp"] = now()
                self._store(key, old, "MODIFIED")
            return
        self._store(key, old, "DELETED")

    def _store(self, key: Any, obj: Obj, event: str) -> None:
        self._rv += 1
        obj.setdefault("metadata", {})["resourceVersion"] = str(self._rv)
        stored = copy.deepcopy(obj)
        if key not in self._objects:
            self._objects[key] = stored
        else:
            self._objects[key].history[:] = [stored, None] if event == "DELETED" else [stored]
        self.watches.record(key[0], self._rv, event, stored)

    async def _serve_create(self, request: kmock.Request) -> Any:
        return Response(status=201, payload=await super()._serve_create(request))

    async def _serve_update(self, request: kmock.Request) -> Any:
        answer: Obj = await super()._serve_update(request)  # type: ignore[assignment]
        if request.subresource == "scale":
            answer = scale_of(answer)
        return Response(status=201 if id(request) in self._created else 200, payload=answer)

    # -- reads ---------------------------------------------------------------------------------

    async def _serve_list(self, request: kmock.Request) -> Any:
        answer = await super()._serve_list(request)
        if isinstance(answer, dict):
            answer["items"].sort(key=_namespace_and_name)
            spec = self.specs().get(request.resource)
            table = views.table_answer(spec, request, answer["items"], str(self._rv))
            if table is not None:
                return table
            answer["metadata"] = {"resourceVersion": str(self._rv)}
            kind = spec.kind if spec else ""
            answer.update(kind=f"{kind}List", apiVersion=api_version(request.resource))
        return answer

    async def _serve_fetch(self, request: kmock.Request) -> Any:
        answer: Obj = await super()._serve_fetch(request)  # type: ignore[assignment]
        if request.subresource == "scale":
            return scale_of(answer)
        spec = self.specs().get(request.resource)
        rv = str((answer.get("metadata") or {}).get("resourceVersion", ""))
        table = views.table_answer(spec, request, [answer], rv)
        return answer if table is None else table

    async def _serve_api(self, request: kmock.Request) -> Any:
        return views.discovery_answer(list(self.specs().values()), request)

    _serve_apis = _serve_group = _serve_version = _serve_api

    async def _serve_openapi(self, request: kmock.Request) -> Any:
        return views.openapi_answer(list(self.specs().values()), request)

    def _serve_watch(self, request: kmock.Request) -> AsyncIterator[Any]:
        return self.watches.serve(request, self._objects)

    # -- test and sandbox helpers (call on the emulator's loop) --------------------------------

    async def seed(self, resource: str, obj: Obj) -> Obj:
        """Store ``obj`` as if created over the API (stamped, with an ADDED event)."""
        meta = obj.setdefault("metadata", {})
        res = kmock.resource(resource)
        request = kmock.Request(resource=res, namespace=meta.get("namespace"), data=obj)
        async with self.watches.changed:
            self._create(request)
            self.watches.changed.notify_all()
        return obj

    async def modify(self, resource: str, obj: Obj) -> Obj:
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


def _namespace_and_name(obj: Obj) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def _forget(requests: list[kmock.Request], request: kmock.Request) -> None:
    requests[:] = [seen for seen in requests if seen is not request]
