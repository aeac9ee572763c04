"""What the emulator answers besides stored objects, as kube-apiserver answers it.

- ``served_specs(resources, crds)`` — the ``ResourceSpec`` of every resource registered on kmock's
  ``resources`` (from a stored CRD, else ``catalog.KNOWN``, else kmock's ``ResourceInfo``);
- ``discovery_answer(specs, request)`` — ``/api``, ``/apis``, ``/apis/<group>``, ``/api/v1``,
  ``/apis/<group>/<version>``: aggregated (``apidiscovery.k8s.io/v2``) when the ``Accept``
  header asks for it first, legacy otherwise; 404 ``Status`` for what is not served;
- ``server_version()`` — ``/version`` (``SERVER_VERSION``, the pinned real control plane's);
- ``openapi_answer(specs, request)`` — ``/openapi/v3`` and its group-version documents;
- ``table_answer(spec, request, objects, metadata)`` — a Table when ``Accept`` asks for one;
  ``table_events(spec, request)`` — the same for the events of a watch (``kubectl get -w``);
- ``namespaces_alias(path)`` and ``namespace_request(request)`` — kmock parses
  ``/api/v1/namespaces[/name]`` as a namespace with no resource: the first gives a path it
  parses, the second turns the parsed request back into one for ``v1/namespaces``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
import kmock

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.sandbox.thirdparty import Response

from . import discovery, openapi, printing
from .catalog import KNOWN, SERVER_VERSION, ResourceSpec
from .table import error

_NAMESPACES = kmock.resource("v1/namespaces")
NAMESPACES_ALIAS = "kmock:namespaces"


def served_specs(resources: Any, crds: dict[str, ResourceSpec]) -> dict[Any, ResourceSpec]:
    """The spec of every resource in kmock's ``resources`` array (``crds``' first), by the
    array's own kmock resource (building one anew costs more than the whole lookup)."""
    specs = {}
    for res in resources:
        group_version = f"{res.group}/{res.version}" if res.group else str(res.version)
        key = f"{group_version}/{res.plural}"
        known = crds.get(key) or KNOWN.get(key)
        if known is None:
            info = resources[res]
            known = ResourceSpec(
                group=res.group, version=res.version, plural=res.plural,
                kind=info.kind or res.plural.capitalize(), namespaced=info.namespaced is not False,
                singular=info.singular or "", short_names=tuple(sorted(info.shortnames)),
                categories=tuple(sorted(info.categories)),
                subresources=tuple(sorted(info.subresources)),
            )  # fmt: skip
        specs[res] = known
    return specs


def server_version() -> JsonDict:
    """``/version``: the emulated release, marked as such in the build metadata."""
    major, minor, _ = SERVER_VERSION.lstrip("v").split(".")
    return {
        "major": major, "minor": minor, "gitVersion": f"{SERVER_VERSION}+kube-devops-emulator",
        "gitCommit": "", "gitTreeState": "clean", "buildDate": "", "goVersion": "",
        "compiler": "gc", "platform": "linux/amd64",
    }  # fmt: skip


def _not_found(path: str) -> kmock.KubernetesError:
    return error(404, "NotFound", f"the server could not find the requested resource ({path})")


def discovery_answer(specs: list[ResourceSpec], request: kmock.Request) -> Any:
    """The discovery document at the request's path (see the module docstring)."""
    path = request.url.path.rstrip("/")
    parts = path.strip("/").split("/")
    answer: JsonDict | None
    if path in ("/api", "/apis") and discovery.wants_aggregated(request.headers.get("Accept", "")):
        answer = discovery.aggregated(specs, core=path == "/api")
        return Response(payload=answer, headers={"Content-Type": discovery.AGGREGATED_TYPE})
    if path == "/api":
        answer = discovery.api_versions()
    elif path == "/apis":
        answer = discovery.group_list(specs)
    elif parts[0] == "apis" and len(parts) == 2:
        answer = discovery.group(specs, parts[1])
    else:
        answer = discovery.resource_list(specs, "/".join(parts[1:]))
    if answer is None:
        raise _not_found(path)
    return answer


def openapi_answer(specs: list[ResourceSpec], request: kmock.Request) -> Any:
    """``/openapi/v3`` or one group-version's document under it."""
    path = request.url.path.rstrip("/")
    if path == "/openapi/v3":
        return openapi.root(specs)
    answer = openapi.document(specs, path.removeprefix("/openapi/v3/"))
    if answer is None:
        raise _not_found(path)
    return answer


def table_answer(
    spec: ResourceSpec | None,
    request: kmock.Request,
    objects: Iterable[JsonDict],
    metadata: JsonDict,
) -> JsonDict | None:
    """The Table of ``objects`` with the list ``metadata`` if the request asks for one (``None``
    otherwise)."""
    if spec is None or not printing.wants_table(request.headers.get("Accept", "")):
        return None
    include = request.params.get("includeObject", "Metadata")
    answer = printing.table(spec, objects, str(metadata.get("resourceVersion", "")), include)
    answer["metadata"] = dict(metadata)
    return answer


#: Content type of a JSON watch stream.
WATCH_TYPE = "application/json;stream=watch"


def table_events(
    spec: ResourceSpec | None, request: kmock.Request
) -> Callable[[JsonDict], JsonDict] | None:
    """For a watch asking for Tables: each event's object as a one-row Table, the columns in the
    first one only (as the API server sends them); ``None`` for a plain watch."""
    if spec is None or not printing.wants_table(request.headers.get("Accept", "")):
        return None
    include = request.params.get("includeObject", "Metadata")
    first = True

    def transform(event: JsonDict) -> JsonDict:
        nonlocal first
        obj = event.get("object") or {}
        if event.get("type") in ("ERROR", "BOOKMARK"):
            return event
        rv = Meta.of(obj).resource_version or ""
        answer = printing.table(spec, [obj], rv, include)
        if not first:
            answer["columnDefinitions"] = []
        first = False
        return {"type": event["type"], "object": answer}

    return transform


def namespaces_alias(path: str) -> str | None:
    """A path kmock can parse for ``/api/v1/namespaces[/name[/status|finalize]]`` (else None).

    kmock reads ``/api/v1/namespaces/<x>`` as a namespace with no resource (and fails on
    ``/api/v1/namespaces``); the alias names the resource ``NAMESPACES_ALIAS`` instead, which
    ``namespace_request`` turns back into the ``v1/namespaces`` resource.
    """
    parts = path.strip("/").split("/")
    if parts[:3] != ["api", "v1", "namespaces"] or len(parts) > 5:
        return None
    if len(parts) == 5 and parts[4] not in ("status", "finalize"):
        return None
    return "/".join(["", "api", "v1", NAMESPACES_ALIAS, *parts[3:]])


def namespace_request(request: kmock.Request) -> kmock.Request:
    """The aliased namespaces ``request`` as a request for ``v1/namespaces`` (see above)."""
    if request.resource is None or request.resource.plural != NAMESPACES_ALIAS:
        return request
    path = request.url.path.replace(NAMESPACES_ALIAS, "namespaces", 1)
    return attrs.evolve(request, resource=_NAMESPACES, url=request.url.with_path(path))
