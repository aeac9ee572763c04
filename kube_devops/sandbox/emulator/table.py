"""The pure helpers the emulator's writes use (patches, preconditions, errors).

- ``json_patch(old, ops)`` (RFC 6902 with ``test`` ops; 422 when it cannot be applied) and
  ``merge(old, patch)`` (RFC 7386 merge patch);
- ``check_precondition(old, wanted)`` — 409 Conflict when a given resourceVersion is stale;
- ``error(status, reason, message)`` — the kmock error answered as a Kubernetes ``Status``;
  ``invalid(spec, name, errors)`` — the 422 Invalid one, with its ``causes``;
- ``api_version(resource)`` and ``now()`` (RFC 3339 seconds, UTC) for stamping objects.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

import jsonpatch
import jsonpointer
import kmock

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.core.times import rfc3339


def now() -> str:
    """The current time as RFC 3339 (seconds, UTC), as the API server stamps it."""
    return rfc3339(time.time())


def error(status: int, reason: str, message: str) -> kmock.KubernetesError:
    """The error kmock answers as a Kubernetes ``Status`` (code, reason and message)."""
    return kmock.KubernetesError(status=status, reason=reason, message=message, details={})


def api_version(resource: Any) -> str:
    """``group/version`` (or ``version`` for the core group) of a kmock resource."""
    if resource is None:
        return "v1"
    return f"{resource.group}/{resource.version}" if resource.group else str(resource.version)


def check_precondition(old: JsonDict, wanted: Any) -> None:
    """Raise 409 Conflict when ``wanted`` (a resourceVersion, if given) is not ``old``'s."""
    current = Meta.of(old).resource_version
    if wanted not in (None, "") and str(wanted) != current:
        raise error(
            409,
            "Conflict",
            "Operation cannot be fulfilled: the object has been modified; "
            f"resourceVersion {wanted} is stale (now {current}); read it again and retry",
        )


#: kube-apiserver's whole answer to a JSON patch it cannot apply (a failed ``test`` op, a path
#: that does not exist): 422 Invalid with this message and no details.
JSON_PATCH_REJECTED = "the server rejected our request due to an error in our request"


def json_patch(old: JsonDict, ops: list[Any]) -> JsonDict:
    """``old`` with the RFC 6902 patch ``ops`` applied (422 Invalid when a ``test`` op fails)."""
    try:
        result: JsonDict = jsonpatch.apply_patch(old, ops, in_place=False)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as err:
        raise error(422, "Invalid", JSON_PATCH_REJECTED) from err
    return result


def merge(old: Any, patch: Any) -> Any:
    """``old`` with the JSON merge patch ``patch`` applied (``None`` removes a key)."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(old) if isinstance(old, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value)
    return result


def invalid(spec: Any, name: str, errors: list[tuple[str, str, str]]) -> kmock.KubernetesError:
    """422 Invalid for ``errors`` ((reason, field, message)) of object ``name`` of ``spec``."""
    shown = [f"{field}: {message}" for _, field, message in errors]
    listed = shown[0] if len(shown) == 1 else f"[{', '.join(shown)}]"
    message = f'{spec.kind}.{spec.group} "{name}" is invalid: {listed}'
    causes = [{"reason": r, "message": m, "field": f} for r, f, m in errors]
    details = {"name": name, "group": spec.group, "kind": spec.kind, "causes": causes}
    return kmock.KubernetesError(status=422, reason="Invalid", message=message, details=details)
