"""Strategic merge patch and server-side apply merging, for the built-in kinds the emulator serves.

``strategic_merge(old, patch)`` applies a strategic merge patch: maps merge, ``null`` deletes,
lists named in ``MERGE_KEYS`` merge item by item on their key (``containers`` by ``name``,
``ports`` by ``containerPort`` or ``port``, ``volumeMounts`` by ``mountPath`` ...), primitive
lists in ``SET_LISTS`` (``finalizers``) merge as sets, other lists are replaced. The directives
kubectl sends are honoured: ``$patch: replace|delete`` (on a map or a list item),
``$setElementOrder/<list>``, ``$deleteFromPrimitiveList/<list>`` and ``$retainKeys``. Merge keys
are looked up by field name, not by schema path: right for every kind the emulator serves.

``apply_merge(live, applied)`` is what server-side apply does to the fields an applied manifest
names (the same merge, no directives); ``ownership`` then removes what the manager dropped.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

#: List fields merged item by item, on this key.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "imagePullSecrets": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "hostAliases": "ip",
    "conditions": "type",
    "addresses": "type",
    "ownerReferences": "uid",
    "webhooks": "name",
}
#: Primitive list fields merged as sets.
SET_LISTS = frozenset({"finalizers"})


def merge_key(field: str, items: list[Any]) -> str | None:
    """The key the items of list ``field`` merge on (``None``: the list is replaced whole)."""
    if field == "ports":  # container ports merge on containerPort, service ports on port
        dicts = [item for item in items if isinstance(item, Mapping)]
        return "containerPort" if any("containerPort" in item for item in dicts) else "port"
    return MERGE_KEYS.get(field)


def _merge_list(field: str, old: Any, patch: list[Any]) -> list[Any]:
    current = list(old) if isinstance(old, list) else []
    if any(isinstance(i, Mapping) and i.get("$patch") == "replace" for i in patch):
        return [copy.deepcopy(i) for i in patch if not (isinstance(i, Mapping) and "$patch" in i)]
    if field in SET_LISTS:
        return current + [item for item in patch if item not in current]
    key = merge_key(field, current + patch)
    if key is None:
        return copy.deepcopy(patch)
    for item in patch:
        found = next((i for i, x in enumerate(current) if x.get(key) == item.get(key)), None)
        if item.get("$patch") == "delete":
            current = [x for x in current if x.get(key) != item.get(key)]
        elif found is None:
            current.append(strategic_merge({}, item))
        else:
            current[found] = strategic_merge(current[found], item)
    return current


def _order(items: list[Any], order: list[Any], field: str) -> list[Any]:
    key = merge_key(field, items)

    def ident(item: Any) -> Any:
        return item.get(key) if key and isinstance(item, Mapping) else item

    wanted = [ident(x) for x in order]
    ranked = [x for w in wanted for x in items if ident(x) == w]
    return ranked + [x for x in items if ident(x) not in wanted]


def _directives(result: dict[str, Any], patch: Mapping[str, Any]) -> None:
    for name, value in patch.items():
        if name.startswith("$deleteFromPrimitiveList/"):
            field = name.split("/", 1)[1]
            result[field] = [x for x in result.get(field) or [] if x not in value]
    for name, value in patch.items():
        field = name.split("/", 1)[-1]
        if name.startswith("$setElementOrder/") and isinstance(result.get(field), list):
            result[field] = _order(result[field], value, field)
    if isinstance(patch.get("$retainKeys"), list):
        for name in [k for k in result if k not in patch["$retainKeys"]]:
            del result[name]


def strategic_merge(old: Any, patch: Any) -> Any:
    """``old`` with the strategic merge patch ``patch`` applied (see the module docstring)."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    result = dict(old) if isinstance(old, Mapping) else {}
    for name, value in patch.items():
        if name.startswith("$"):
            continue
        if value is None or (isinstance(value, Mapping) and value.get("$patch") == "delete"):
            result.pop(name, None)
        elif isinstance(value, list):
            result[name] = _merge_list(name, result.get(name), value)
        else:
            result[name] = strategic_merge(result.get(name), value)
    _directives(result, patch)
    return result


def apply_merge(live: Any, applied: Any) -> Any:
    """``live`` with the fields of the applied manifest ``applied`` set (server-side apply)."""
    return strategic_merge(live, applied)
