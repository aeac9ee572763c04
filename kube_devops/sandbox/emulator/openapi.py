"""A minimal OpenAPI v3 for the emulator: enough for kubectl's validation to use the server.

kubectl (``--validate=strict``, its default) reads ``/openapi/v3`` and the document of the
object's group-version; when the PATCH operation of the object's kind takes the
``fieldValidation`` query parameter it leaves validation to the server and sends
``fieldValidation=Strict``. These documents declare exactly that: every served resource's
create and patch operations with their ``x-kubernetes-group-version-kind``, parameters and
patch content types. Only custom resources get a schema (their CRD's, so ``kubectl explain
dop.spec`` works; it finds nothing for the built-in kinds), and the patch content types leave
out strategic merge patch, so ``kubectl apply`` computes that patch from its built-in types
instead of from schemas (the same patch for the built-in kinds).

- ``root(specs)`` — ``/openapi/v3``: the path of each group-version's document;
- ``document(specs, path)`` — ``/openapi/v3/api/v1``, ``/openapi/v3/apis/<group>/<version>``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable

from kube_devops.core.bodies import JsonDict

from .catalog import SERVER_VERSION, ResourceSpec

_PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
)


def _api_path(group_version: str) -> str:
    return f"apis/{group_version}" if "/" in group_version else f"api/{group_version}"


def _param(name: str) -> JsonDict:
    return {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}


def _operation(spec: ResourceSpec, action: str, params: tuple[str, ...]) -> JsonDict:
    gvk = {"group": spec.group, "version": spec.version, "kind": spec.kind}
    op: JsonDict = {"operationId": f"{action}{spec.kind}", "x-kubernetes-action": action}
    op.update({"x-kubernetes-group-version-kind": gvk, "parameters": [_param(p) for p in params]})
    op["responses"] = {"200": {"description": "OK"}, "201": {"description": "Created"}}
    return op


def _paths(spec: ResourceSpec) -> dict[str, JsonDict]:
    base = f"/{_api_path(spec.group_version)}"
    if spec.namespaced:
        base += "/namespaces/{namespace}"
    write = ("dryRun", "fieldManager", "fieldValidation")
    patch = _operation(spec, "patch", (*write, "force"))
    patch["requestBody"] = {"content": {t: {"schema": {"type": "object"}} for t in _PATCH_TYPES}}
    return {
        f"{base}/{spec.plural}": {"post": _operation(spec, "post", write)},
        f"{base}/{spec.plural}/{{name}}": {"patch": patch},
    }


def document(specs: Iterable[ResourceSpec], path: str) -> JsonDict | None:
    """The document of the group-version at ``path`` (``api/v1``), or ``None``."""
    served = [spec for spec in specs if _api_path(spec.group_version) == path]
    if not served:
        return None
    paths: dict[str, JsonDict] = {}
    for spec in served:
        paths.update(_paths(spec))
    schemas = {_schema_name(s): _schema(s) for s in served if s.schema is not None}
    info = {"title": "Kubernetes", "version": SERVER_VERSION}
    return {"openapi": "3.0.0", "info": info, "paths": paths, "components": {"schemas": schemas}}


def _schema_name(spec: ResourceSpec) -> str:
    """``io.stochastic.devops.v1.DevOpsPolicy``: the group reversed, as the server names it."""
    return ".".join([*reversed(spec.group.split(".")), spec.version, spec.kind])


def _schema(spec: ResourceSpec) -> JsonDict:
    schema = copy.deepcopy(spec.schema or {})
    gvk = {"group": spec.group, "version": spec.version, "kind": spec.kind}
    schema["x-kubernetes-group-version-kind"] = [gvk]
    return schema


def root(specs: Iterable[ResourceSpec]) -> JsonDict:
    """``/openapi/v3``: each served group-version's document URL (hashed on its content)."""
    served = list(specs)
    paths: dict[str, JsonDict] = {}
    for path in sorted({_api_path(spec.group_version) for spec in served}):
        body = json.dumps(document(served, path), sort_keys=True).encode()
        digest = hashlib.sha512(body).hexdigest()[:128].upper()
        paths[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest}"}
    return {"paths": paths}
