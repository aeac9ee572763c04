"""The writes of the ``Emulator`` (a mixin): create, patch, replace and delete on its store.

Creates stamp ``metadata.uid``, ``creationTimestamp``, ``resourceVersion`` (one global counter,
as etcd does) and, for the kinds that have one, ``generation`` (bumped when ``spec`` changes); a
write that changes nothing is a no-op (no new resourceVersion, no event, as the API server's
storage does it). A ``metadata.resourceVersion`` in a PUT or patch is a precondition (409 when
stale). A PATCH is applied as its ``Content-Type`` says (``patching``); a server-side apply of a
missing object creates it (its request is remembered in ``_created`` so it answers 201); a
re-apply removes the fields its manager dropped (``ownership``).
``.../status`` writes change only ``status`` and, for kinds with that subresource, writes to the
object itself leave ``status`` as it was; ``.../scale`` writes ``spec.replicas``; deleting an
object with finalizers only marks it. With ``dryRun=All`` nothing is stored: the object as it
would be is kept in ``_dry_answers`` for the answer. Every write is recorded in ``watches``. A
stored CustomResourceDefinition gets an established status and its resource is served (``crds``).
"""

from __future__ import annotations

import collections
import copy
import secrets
import uuid
from typing import TYPE_CHECKING, Any

import attrs
import kmock

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta

from . import admission, patching
from .catalog import ResourceSpec, resource_info
from .crds import CRDS, served_spec, with_status
from .ownership import Owners
from .scale import scale_of, scaled
from .table import api_version, check_precondition, error, now
from .watches import WatchHub

#: Deleted objects kept in kmock's store (the most recent ones), so churn does not grow it.
TOMBSTONES = 64


class Writes:
    """Write semantics over kmock's object store (mixed into ``Emulator``)."""

    if TYPE_CHECKING:
        _rv: int
        _created: set[int]
        _crd_specs: dict[str, ResourceSpec]
        _dry_id: int | None
        _dry_answers: dict[int, JsonDict]
        _owners: Owners
        _tombstones: collections.deque[Any]
        watches: WatchHub

        @property
        def objects(self) -> kmock.ObjectsArray: ...

        @property
        def resources(self) -> kmock.ResourcesArray: ...

        def specs(self) -> dict[Any, ResourceSpec]: ...

    def _write(self, request: kmock.Request) -> None:
        served = request.resource is None or request.resource.plural is None
        if not served and request.resource not in self.specs():
            found = f"the server could not find the requested resource ({request.url.path})"
            raise error(404, "NotFound", found)
        patching.check_encoding(request)
        self._dry_id = id(request) if patching.dry_run(request) else None
        try:
            self._dispatch(request)
        finally:
            self._dry_id = None

    def _dispatch(self, request: kmock.Request) -> None:
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

    def _create(self, request: kmock.Request, *, admit: bool = True) -> None:
        body = request.data
        meta = _named(body)
        spec = self.specs().get(request.resource)
        kind, namespaced = (spec.kind, spec.namespaced) if spec else ("", True)
        namespace = (request.namespace or meta.get("namespace")) if namespaced else None
        if namespaced:
            meta["namespace"] = namespace
        key: Any = (request.resource, namespace, meta["name"])
        if key in self.objects and not self.objects[key].deleted:
            plural = request.resource.plural if request.resource else "objects"
            raise error(409, "AlreadyExists", f'{plural} "{meta["name"]}" already exists')
        if kind:
            body.setdefault("kind", kind)
        body.setdefault("apiVersion", api_version(request.resource))
        if admit:
            body = admission.admitted(spec, request, body)
            meta = body["metadata"]
        meta.update(uid=str(uuid.uuid4()), creationTimestamp=now(), resourceVersion="")
        if spec is None or spec.generation:
            meta["generation"] = 1
        self._store(key, body, "ADDED")

    def _current(self, request: kmock.Request) -> tuple[Any, JsonDict]:
        key: Any = (request.resource, request.namespace, request.name)
        if key not in self.objects or self.objects[key].deleted:
            plural = request.resource.plural if request.resource else "objects"
            raise error(404, "NotFound", f'{plural} "{request.name}" not found')
        return key, copy.deepcopy(self.objects[key].raw)

    def _patch(self, request: kmock.Request) -> None:
        kind, data = patching.patch_type(request), patching.patch_body(request)
        if kind == patching.PatchType.APPLY:
            data = patching.check_apply(request, data)
            if not self._exists(request) and request.subresource is None:
                self._create(attrs.evolve(request, data=copy.deepcopy(data)))
                self._created.add(id(request))
                self._own(request, data)
                return
        key, old = self._current(request)
        if isinstance(data, dict):
            check_precondition(old, Meta.of(data).resource_version)
        spec = self.specs().get(request.resource)
        custom = spec is not None and spec.custom
        if request.subresource == "scale":
            new = scaled(old, patching.patched(scale_of(old), kind, data, custom=custom))
        elif request.subresource == "status":
            status = patching.patched(old, kind, data, custom=custom).get("status")
            new = {**old, "status": status}
        else:
            new = patching.patched(old, kind, data, custom=custom)
        if kind == patching.PatchType.APPLY and request.subresource is None:
            new = self._owners.applied(key, request.params["fieldManager"], data, new)
        self._update(key, old, new, request)
        if kind == patching.PatchType.APPLY and request.subresource is None:
            self._own(request, data)

    def _own(self, request: kmock.Request, manifest: JsonDict) -> None:
        if self._dry_id is None:  # a dry run changes no ownership
            key = (request.resource, request.namespace, request.name)
            self._owners.record(key, request.params["fieldManager"], manifest)

    def _exists(self, request: kmock.Request) -> bool:
        key: Any = (request.resource, request.namespace, request.name)
        return key in self.objects and not self.objects[key].deleted

    def _put(self, request: kmock.Request) -> None:
        key, old = self._current(request)
        body = request.data
        if not isinstance(body, dict):
            raise error(400, "BadRequest", "the body of a replace must be a JSON object")
        check_precondition(old, Meta.of(body).resource_version)
        if request.subresource == "status":
            body = {**old, "status": body.get("status")}
        elif request.subresource == "scale":
            body = scaled(old, body)
        self._update(key, old, copy.deepcopy(body), request)

    def _update(self, key: Any, old: JsonDict, new: JsonDict, request: kmock.Request) -> None:
        spec = self.specs().get(key[0])
        if request.subresource is None and spec is not None and "status" in spec.subresources:
            new.pop("status", None)  # the status subresource alone writes status
            if "status" in old:
                new["status"] = old["status"]
        new = admission.admitted(spec, request, new, old)
        meta, old_meta = new.setdefault("metadata", {}), old.get("metadata", {})
        for field in ("name", "namespace", "uid", "creationTimestamp"):
            if field in old_meta:
                meta[field] = old_meta[field]
        if "generation" in old_meta:
            meta["generation"] = old_meta["generation"] + (new.get("spec") != old.get("spec"))
        meta["resourceVersion"] = old_meta.get("resourceVersion")
        if new == old:  # a write that changes nothing: no new resourceVersion, no event
            return
        if patching.patch_type_of(request) != patching.PatchType.APPLY and self._dry_id is None:
            self._owners.updated(key, old, new)
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

    def _store(self, key: Any, obj: JsonDict, event: str) -> None:
        if self._dry_id is not None:  # dryRun=All: answer what would be stored, store nothing
            self._dry_answers[self._dry_id] = copy.deepcopy(obj)
            return
        self._rv += 1
        obj.setdefault("metadata", {})["resourceVersion"] = str(self._rv)
        if event == "DELETED":
            self._owners.forget(key)
        if key[0] == CRDS and event != "DELETED":
            obj["status"] = with_status(obj)["status"]
        stored = copy.deepcopy(obj)
        if key[0] == CRDS:
            self._serve_crd(stored, event)
        if key not in self.objects:
            self.objects[key] = stored
        else:
            self.objects[key].history[:] = [stored, None] if event == "DELETED" else [stored]
        if event == "DELETED":
            self._bury(key)
        self.watches.record(key[0], self._rv, event, stored)

    def _bury(self, key: Any) -> None:
        """Forget the oldest deleted objects beyond ``TOMBSTONES`` (a deleted object stays only
        as long as kmock may still answer its DELETE; watchers have its DELETED event)."""
        self._tombstones.append(key)
        while len(self._tombstones) > TOMBSTONES:
            old = self._tombstones.popleft()
            if old != key and old in self.objects and self.objects[old].deleted:
                del self.objects[old]  # (the one just deleted stays: kmock answers from it)

    def _serve_crd(self, crd: JsonDict, event: str) -> None:
        spec = served_spec(crd)
        if spec is None:
            return
        if event == "DELETED":  # its objects go with it, as on a real server
            self._crd_specs.pop(spec.key, None)
            self.resources.pop(spec.key, None)
            resource = kmock.resource(spec.key)
            for key, obj in list(self.objects.items()):
                if key[0] == resource and not obj.deleted:
                    self._store(key, copy.deepcopy(obj.raw), "DELETED")
            return
        self._crd_specs[spec.key] = spec
        self.resources[spec.key] = resource_info(spec)


def _named(body: Any) -> JsonDict:
    """The metadata of a create's ``body``, its name generated from ``generateName`` if asked."""
    if not isinstance(body, dict):
        raise error(400, "BadRequest", "the body of a create must be a JSON object")
    meta: JsonDict = body.setdefault("metadata", {})
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = meta["generateName"] + secrets.token_hex(3)[:5]
    if not meta.get("name"):
        raise error(422, "Invalid", "metadata.name: Required value")
    return meta
