"""A Kubernetes API emulator on loopback, built on kmock's ``KubernetesEmulator``.

Used by the component tests (``tests/support``) and by the sandbox. Clients talk to it only over
HTTP, through the kubeconfig it writes. It adapts these kmock 0.8 gaps (here, never in production
code):

- every write stamps ``metadata.uid``, ``resourceVersion`` (one global counter, as etcd does),
  ``creationTimestamp`` and ``generation`` (bumped when ``spec`` changes); creates answer 201;
- ``PUT`` (replace) is served, and a ``metadata.resourceVersion`` in a PUT or merge patch is a
  precondition (409 Conflict when stale) — what leader election relies on;
- JSON patch (RFC 6902) is applied with its ``test`` ops (a failed test answers 422); merge,
  strategic-merge and apply patches are applied as a JSON merge patch (no list-merge keys);
- ``.../status`` subresource writes change only ``status``;
- watches honour ``resourceVersion`` (events after it, from a bounded event log), send an ERROR
  410 Gone event when it is older than the log (``compact()`` forgets the log on purpose) and end
  after ``timeoutSeconds``; ``drop_watches()`` cuts every open watch connection;
- lists carry a real ``metadata.resourceVersion``;
- namespaces cannot be created over HTTP (kmock cannot parse ``/api/v1/namespaces``): seed them
  with ``seed_namespace``; label and field selectors and ``limit`` are ignored;
- each request is dropped from the request log once answered (the log makes every request
  slower), unless ``keep_requests=True``.

Public API:

- ``Emulator`` — the kmock handler subclass (use kmock's DSL on it to script failures, e.g.
  ``emulator[kmock.action.WATCH, kmock.resource("v1/pods")] << once(500)``);
- ``once(status, message=...)`` — a one-shot failing payload for that DSL;
- ``EmulatorThread`` — runs an ``Emulator`` on ``127.0.0.1`` in a background thread:
  ``start()``/``stop()`` (or ``with``), ``url``, ``write_kubeconfig(path)``, and thread-safe
  ``seed(resource, obj)``, ``seed_namespace(name)``, ``objects(resource, namespace=None)``,
  ``compact()``, ``drop_watches()``, ``call(fn)`` / ``call_async(fn)`` (run ``fn(emulator)``
  on its loop).
- ``RESOURCES`` — the resources served (core, apps, batch, coordination, events, CRDs,
  admission webhooks and ``devops.stochastic.io/v1`` ``devopspolicies`` with ``status``).
"""

from __future__ import annotations

import asyncio
import copy
import datetime
import secrets
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import aiohttp.web
import attrs
import jsonpatch
import jsonpointer
import kmock
import yaml
from kmock._internal.rendering import Response  # not re-exported by kmock 0.8

_T = TypeVar("_T")
Obj = dict[str, Any]

_ALL = ("get", "list", "watch", "create", "update", "patch", "delete")

#: (apiVersion/plural, kind, namespaced, subresources) of every resource the emulator serves.
RESOURCES: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("v1/pods", "Pod", True, ("status",)),
    ("v1/namespaces", "Namespace", False, ("status",)),
    ("v1/nodes", "Node", False, ("status",)),
    ("v1/events", "Event", True, ()),
    ("v1/services", "Service", True, ()),
    ("v1/configmaps", "ConfigMap", True, ()),
    ("coordination.k8s.io/v1/leases", "Lease", True, ()),
    ("apps/v1/deployments", "Deployment", True, ("status", "scale")),
    ("apps/v1/replicasets", "ReplicaSet", True, ("status", "scale")),
    ("apps/v1/statefulsets", "StatefulSet", True, ("status", "scale")),
    ("apps/v1/daemonsets", "DaemonSet", True, ("status",)),
    ("batch/v1/jobs", "Job", True, ("status",)),
    ("batch/v1/cronjobs", "CronJob", True, ("status",)),
    ("events.k8s.io/v1/events", "Event", True, ()),
    (
        "apiextensions.k8s.io/v1/customresourcedefinitions",
        "CustomResourceDefinition",
        False,
        ("status",),
    ),
    (
        "admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        False,
        (),
    ),
    ("devops.stochastic.io/v1/devopspolicies", "DevOpsPolicy", True, ("status",)),
)

#: Events kept per resource for watch resumption; older resourceVersions get 410 Gone.
EVENT_LOG_SIZE = 10_000


def _now() -> str:
    return datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, reason: str, message: str) -> kmock.KubernetesError:
    return kmock.KubernetesError(status=status, reason=reason, message=message, details={})


def once(status: int, message: str = "injected failure") -> Callable[[], Any]:
    """A DSL payload answering ``status`` with a Status body once, then stepping aside."""
    used = False

    def payload() -> Any:
        nonlocal used
        if used:
            return NotImplemented
        used = True
        body: Obj = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure"}
        body.update(code=status, reason="Injected", message=message)
        return Response(status=status, payload=body)

    return payload


@attrs.define(kw_only=True)
class _EventLog:
    start: int = 0
    """Absolute index of ``events[0]``."""
    horizon: int = 0
    """Resource versions at or below this one are no longer served (410 Gone)."""
    events: list[tuple[int, Obj]] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class Emulator(kmock.KubernetesEmulator):
    """kmock's emulator with resourceVersion stamping, PUT, JSON patch and resumable watches."""

    keep_requests: bool = False
    _rv: int = 0
    _logs: dict[Any, _EventLog] = attrs.field(factory=dict)
    _changed: asyncio.Condition = attrs.field(factory=asyncio.Condition)
    _watches: dict[int, aiohttp.web.BaseRequest] = attrs.field(factory=dict)
    _cut: set[int] = attrs.field(factory=set)
    _closing: bool = False
    _wakers: set[asyncio.Task[None]] = attrs.field(factory=set)
    _kinds: dict[Any, tuple[str, bool]] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        for key, kind, namespaced, subresources in RESOURCES:
            self.resources[key] = kmock.ResourceInfo(
                kind=kind, namespaced=namespaced, verbs=_ALL, subresources=subresources
            )
            self._kinds[kmock.resource(key)] = (kind, namespaced)
        self.fallback[kmock.method.PUT] << self._serve_update

    # -- request entry -------------------------------------------------------------------------

    async def _handle(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        try:
            if request.resource is not None:
                async with self._changed:
                    self._write(request)
                    self._changed.notify_all()
            return await kmock.RawHandler._handle(self, request)
        finally:
            if not self.keep_requests:  # forget this request only: others are in flight
                _forget(self._requests, request)
                for payload in self._payloads:
                    _forget(payload._requests, request)

    def _write(self, request: kmock.Request) -> None:
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
            raise _error(400, "BadRequest", "the body of a create must be a JSON object")
        meta = body.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + secrets.token_hex(3)[:5]
        if not meta.get("name"):
            raise _error(422, "Invalid", "metadata.name: Required value")
        kind, namespaced = self._kinds.get(request.resource, ("", True))
        namespace = (request.namespace or meta.get("namespace")) if namespaced else None
        if namespaced:
            meta["namespace"] = namespace
        key: Any = (request.resource, namespace, meta["name"])
        if key in self._objects and not self._objects[key].deleted:
            plural = request.resource.plural if request.resource else "objects"
            raise _error(409, "AlreadyExists", f'{plural} "{meta["name"]}" already exists')
        if kind:
            body.setdefault("kind", kind)
        body.setdefault("apiVersion", _api_version(request.resource))
        meta.update(
            uid=str(uuid.uuid4()), creationTimestamp=_now(), generation=1, resourceVersion=""
        )
        self._store(key, body, "ADDED")

    def _current(self, request: kmock.Request) -> tuple[Any, Obj]:
        key: Any = (request.resource, request.namespace, request.name)
        if key not in self._objects or self._objects[key].deleted:
            plural = request.resource.plural if request.resource else "objects"
            raise _error(404, "NotFound", f'{plural} "{request.name}" not found')
        return key, copy.deepcopy(self._objects[key].raw)

    def _patch(self, request: kmock.Request) -> None:
        key, old = self._current(request)
        data = request.data
        if isinstance(data, list):
            new = _json_patch(old, data)
        elif isinstance(data, dict):
            _check_precondition(old, (data.get("metadata") or {}).get("resourceVersion"))
            if request.subresource == "status":
                data = {"status": data.get("status")}
            new = _merge(old, data)
        else:
            raise _error(400, "BadRequest", "a patch must be a JSON object or a JSON patch list")
        if request.subresource == "status":
            new = {**old, "status": new.get("status")}
        self._update(key, old, new)

    def _put(self, request: kmock.Request) -> None:
        key, old = self._current(request)
        body = request.data
        if not isinstance(body, dict):
            raise _error(400, "BadRequest", "the body of a replace must be a JSON object")
        _check_precondition(old, (body.get("metadata") or {}).get("resourceVersion"))
        if request.subresource == "status":
            body = {**old, "status": body.get("status")}
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
                meta["deletionTimestamp"] = _now()
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
        log = self._logs.setdefault(key[0], _EventLog())
        log.events.append((self._rv, {"type": event, "object": copy.deepcopy(stored)}))
        if len(log.events) > EVENT_LOG_SIZE:
            dropped = len(log.events) - EVENT_LOG_SIZE
            log.horizon = log.events[dropped - 1][0]
            del log.events[:dropped]
            log.start += dropped

    async def _serve_create(self, request: kmock.Request) -> Any:
        return Response(status=201, payload=await super()._serve_create(request))

    # -- reads ---------------------------------------------------------------------------------

    async def _serve_list(self, request: kmock.Request) -> Any:
        answer = await super()._serve_list(request)
        if isinstance(answer, dict):
            answer["metadata"] = {"resourceVersion": str(self._rv)}
            kind, _ = self._kinds.get(request.resource, ("", True))
            answer.update(kind=f"{kind}List", apiVersion=_api_version(request.resource))
        return answer

    async def _serve_watch(self, request: kmock.Request) -> AsyncIterator[Any]:
        yield b""
        raw = request._raw_request
        if raw is not None:
            self._watches[id(raw)] = raw
        try:
            async for event in self._watch_events(request):
                yield event
        finally:
            if raw is not None:
                self._watches.pop(id(raw), None)

    async def _watch_events(self, request: kmock.Request) -> AsyncIterator[Obj]:
        loop = asyncio.get_running_loop()
        timeout = float(request.params.get("timeoutSeconds") or 0)
        deadline = loop.time() + timeout if timeout > 0 else None
        since = request.params.get("resourceVersion") or ""
        async with self._changed:
            log = self._logs.setdefault(request.resource, _EventLog())
            if since in ("", "0"):
                initial = [
                    {"type": "ADDED", "object": copy.deepcopy(obj.raw)}
                    for (res, ns, name), obj in self._objects.items()
                    if res == request.resource and not obj.deleted and _wanted(request, ns, name)
                ]
                position = log.start + len(log.events)
            elif int(since) < log.horizon:
                initial, position = [_gone(since, log.horizon)], -1
            else:
                initial = []
                position = log.start + sum(1 for rv, _ in log.events if rv <= int(since))
        for event in initial:
            yield event
        while position >= 0:
            async with self._changed:
                log = self._logs[request.resource]
                if position < log.start:
                    yield _gone(since, log.horizon)
                    return
                if position >= log.start + len(log.events):
                    remaining = None if deadline is None else deadline - loop.time()
                    if remaining is not None and remaining <= 0:
                        return
                    try:
                        await asyncio.wait_for(self._changed.wait(), remaining)
                    except TimeoutError:
                        return
                    if self._closing or id(request._raw_request) in self._cut:
                        return  # connection cut or server stopping: end the handler now
                batch = log.events[position - log.start :]
                position = log.start + len(log.events)
            for _, change in batch:
                meta: Obj = change["object"].get("metadata", {})
                if _wanted(request, meta.get("namespace"), meta.get("name")):
                    yield change

    # -- test and sandbox helpers (call on the emulator's loop) --------------------------------

    async def seed(self, resource: str, obj: Obj) -> Obj:
        """Store ``obj`` as if created over the API (stamped, with an ADDED event)."""
        meta = obj.setdefault("metadata", {})
        res = kmock.resource(resource)
        request = kmock.Request(resource=res, namespace=meta.get("namespace"), data=obj)
        async with self._changed:
            self._create(request)
            self._changed.notify_all()
        return obj

    async def compact(self) -> None:
        """Forget the event logs: watches resuming from an older resourceVersion get 410 Gone."""
        async with self._changed:
            for log in self._logs.values():
                log.start += len(log.events)
                log.horizon = self._rv
                log.events.clear()
            self._changed.notify_all()

    def drop_watches(self) -> int:
        """Cut every open watch connection at the TCP level; returns how many were cut.

        Their handlers are woken to end at once (a closed transport alone does not stop an
        aiohttp handler, which would otherwise wait until ``timeoutSeconds`` and hold up
        server shutdown).
        """
        cut = 0
        for key, raw in list(self._watches.items()):
            self._cut.add(key)
            if raw.transport is not None:
                raw.transport.close()
                cut += 1
        waker = asyncio.get_running_loop().create_task(self.wake_watches())
        self._wakers.add(waker)
        waker.add_done_callback(self._wakers.discard)
        return cut

    async def end_watches(self) -> None:
        """Cut every watch and end each one now and from now on (before server shutdown)."""
        self._closing = True
        self.drop_watches()
        await self.wake_watches()

    async def wake_watches(self) -> None:
        """Wake every waiting watch so it re-checks whether it must end."""
        async with self._changed:
            self._changed.notify_all()


def _forget(requests: list[kmock.Request], request: kmock.Request) -> None:
    requests[:] = [seen for seen in requests if seen is not request]


def _api_version(resource: Any) -> str:
    if resource is None:
        return "v1"
    return f"{resource.group}/{resource.version}" if resource.group else str(resource.version)


def _wanted(request: kmock.Request, namespace: str | None, name: str | None) -> bool:
    if request.namespace is not None and namespace != request.namespace:
        return False
    return request.name is None or name == request.name


def _gone(since: str, horizon: int) -> Obj:
    status: Obj = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure"}
    status.update(
        code=410, reason="Expired", message=f"too old resource version: {since} ({horizon})"
    )
    return {"type": "ERROR", "object": status}


def _check_precondition(old: Obj, wanted: Any) -> None:
    current = (old.get("metadata") or {}).get("resourceVersion")
    if wanted not in (None, "") and str(wanted) != current:
        raise _error(
            409,
            "Conflict",
            "Operation cannot be fulfilled: the object has been modified; "
            f"resourceVersion {wanted} is stale (now {current}); read it again and retry",
        )


def _json_patch(old: Obj, ops: list[Any]) -> Obj:
    try:
        result: Obj = jsonpatch.apply_patch(old, ops, in_place=False)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as err:
        raise _error(422, "Invalid", f"the JSON patch cannot be applied: {err}") from err
    return result


def _merge(old: Any, patch: Any) -> Any:
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(old) if isinstance(old, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge(result.get(key), value)
    return result


class EmulatorThread:
    """An ``Emulator`` served on loopback from a background thread (for sync code and tests)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.host, self._port, self._options = host, port, options
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stack: Any = None
        self.emulator: Emulator | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Base URL of the emulated API server."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorThread:
        """Start serving; returns self once the port is bound."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._enter(), self._loop).result(10)
        return self

    async def _enter(self) -> None:
        self.emulator = Emulator(**self._options)
        server = kmock.Server(self.emulator, host=self.host, port=self._port or None)
        await self.emulator.__aenter__()
        await server.__aenter__()
        self._stack = server
        self.port = server.port

    async def _exit(self) -> None:
        assert self.emulator is not None
        await self.emulator.end_watches()
        await self._stack.__aexit__(None, None, None)
        await self.emulator.__aexit__(None, None, None)

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._stack is not None:
            asyncio.run_coroutine_threadsafe(self._exit(), self._loop).result(10)
            self._stack = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> EmulatorThread:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def call(self, fn: Callable[[Emulator], _T]) -> _T:
        """Run ``fn(emulator)`` on the emulator's loop and return its result."""

        async def run() -> _T:
            assert self.emulator is not None
            return fn(self.emulator)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def call_async(self, fn: Callable[[Emulator], Awaitable[_T]]) -> _T:
        """Run the coroutine ``fn(emulator)`` on the emulator's loop and return its result."""

        async def run() -> _T:
            assert self.emulator is not None
            return await fn(self.emulator)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def seed(self, resource: str, obj: Obj) -> Obj:
        """Create ``obj`` in the store directly (stamped; watchers see ADDED)."""
        return self.call_async(lambda emu: emu.seed(resource, copy.deepcopy(obj)))

    def seed_namespace(self, name: str, labels: Mapping[str, str] | None = None) -> Obj:
        """Store a Namespace (kmock cannot create namespaces over HTTP)."""
        obj: Obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        if labels:
            obj["metadata"]["labels"] = dict(labels)
        obj["status"] = {"phase": "Active"}
        return self.seed("v1/namespaces", obj)

    def objects(self, resource: str, namespace: str | None = None) -> list[Obj]:
        """Snapshot of the live objects of ``resource`` (optionally in one namespace)."""
        res = kmock.resource(resource)

        def snapshot(emu: Emulator) -> list[Obj]:
            return [
                copy.deepcopy(obj.raw)
                for (r, ns, _), obj in emu.objects.items()
                if r == res and not obj.deleted and (namespace is None or ns == namespace)
            ]

        return self.call(snapshot)

    def compact(self) -> None:
        """Make every watch resume answer 410 Gone (see ``Emulator.compact``)."""
        self.call_async(lambda emu: emu.compact())

    def drop_watches(self) -> int:
        """Cut all open watch connections."""
        return self.call(lambda emu: emu.drop_watches())

    def write_kubeconfig(self, path: Path, namespace: str = "default") -> Path:
        """Write a kubeconfig for this emulator to ``path`` (context ``kmock``)."""
        return write_kubeconfig(path, self.url, namespace)


def write_kubeconfig(path: Path, server: str, namespace: str = "default") -> Path:
    """Write a kubeconfig whose only context ``kmock`` points at ``server``."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "kmock", "cluster": {"server": server}}],
        "users": [{"name": "kmock", "user": {"token": "kmock"}}],
        "contexts": [
            {
                "name": "kmock",
                "context": {"cluster": "kmock", "user": "kmock", "namespace": namespace},
            }
        ],
        "current-context": "kmock",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
