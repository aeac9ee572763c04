"""Which fields each server-side apply manager owns, so a re-apply removes what it dropped.

The emulator keeps, per object, the field paths each apply manager applied last (``Owners``).
A later apply by the same manager removes the fields it applied before and applies no more,
unless another apply manager also applies them; a non-apply write that changes a field takes it
away from every apply manager (as an Update takes ownership on a real server). This is the part
of server-side apply a client sees in the object; ``metadata.managedFields`` is not written and
apply conflicts between managers are not raised.

Paths step through maps by key, through lists merged on a key (``strategic.MERGE_KEYS``) by
``[key=value]`` and through set lists (``finalizers``) by ``[=value]``; other lists are one
field. ``apiVersion``, ``kind`` and the object's name and namespace are nobody's to remove.
"""

from __future__ import annotations

import copy
from typing import Any

from kube_devops.core.bodies import JsonDict

from .strategic import SET_LISTS, merge_key

Path = tuple[str, ...]
_IDENTITY = {("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")}


def fields(obj: Any, prefix: Path = ()) -> set[Path]:
    """The leaf field paths of an applied manifest (see the module docstring)."""
    if isinstance(obj, dict) and obj:
        found: set[Path] = set()
        for key, value in obj.items():
            found |= fields(value, (*prefix, str(key)))
        return found - _IDENTITY
    if isinstance(obj, list) and prefix and prefix[-1] in SET_LISTS:
        return {(*prefix, f"[={item}]") for item in obj}
    key = merge_key(prefix[-1], obj) if isinstance(obj, list) and prefix else None
    if key and all(isinstance(item, dict) and key in item for item in obj):
        return {path for item in obj for path in fields(item, (*prefix, f"[{key}={item[key]}]"))}
    return {prefix}


def _step(node: Any, step: str) -> tuple[Any, Any]:
    """(container, index) of ``step`` in ``node``, or (None, None) when it is absent."""
    if isinstance(node, dict) and step in node:
        return node, step
    if isinstance(node, list) and step.startswith("[") and "=" in step:
        key, value = step[1:-1].split("=", 1)
        for index, item in enumerate(node):
            ident = item if not key else item.get(key) if isinstance(item, dict) else None
            if str(ident) == value:
                return node, index
    return None, None


def remove(obj: JsonDict, path: Path) -> None:
    """Delete ``path`` from ``obj``, and the maps and list items it leaves empty."""
    trail: list[tuple[Any, Any]] = []
    node: Any = obj
    for step in path:
        container, index = _step(node, step)
        if container is None:
            return
        trail.append((container, index))
        node = container[index]
    for depth in range(len(trail) - 1, -1, -1):
        container, index = trail[depth]
        if depth < len(trail) - 1 and container[index] not in ({}, []):
            return
        del container[index]


def changed(old: Any, new: Any, prefix: Path = ()) -> set[Path]:
    """The leaf paths whose values differ between ``old`` and ``new``."""
    if old == new:
        return set()
    if isinstance(old, dict) and isinstance(new, dict):
        keys = set(old) | set(new)
        return {p for k in keys for p in changed(old.get(k), new.get(k), (*prefix, str(k)))}
    return fields(old, prefix) | fields(new, prefix) | {prefix}


def reapplied(merged: JsonDict, dropped: set[Path]) -> JsonDict:
    """``merged`` (the apply's result) without the ``dropped`` fields."""
    result = copy.deepcopy(merged)
    for path in sorted(dropped, key=_removal_order):
        remove(result, path)
    return result


def _removal_order(path: Path) -> tuple[int, bool]:
    """Deepest first, and an item's key field after its other fields (it finds the item)."""
    is_key = len(path) > 1 and path[-2].startswith(f"[{path[-1]}=")
    return -len(path), is_key


class Owners:
    """The fields each apply manager applied last, per object key."""

    def __init__(self) -> None:
        self._by_object: dict[Any, dict[str, set[Path]]] = {}

    def applied(self, key: Any, manager: str, manifest: JsonDict, merged: JsonDict) -> JsonDict:
        """``merged`` without what ``manager`` applied before, no longer applies, and no other
        apply manager applies."""
        owners = self._by_object.get(key, {})
        others: set[Path] = set().union(*(p for m, p in owners.items() if m != manager))
        dropped = owners.get(manager, set()) - fields(manifest) - others
        return reapplied(merged, dropped) if dropped else merged

    def record(self, key: Any, manager: str, manifest: JsonDict) -> None:
        """``manager`` now owns exactly the fields of ``manifest``."""
        self._by_object.setdefault(key, {})[manager] = fields(manifest)

    def updated(self, key: Any, old: JsonDict, new: JsonDict) -> None:
        """A non-apply write: the fields it changed are no apply manager's any more."""
        owners = self._by_object.get(key)
        if owners:
            moved = changed(old, new)
            for paths in owners.values():
                paths -= moved

    def forget(self, key: Any) -> None:
        """The object is gone."""
        self._by_object.pop(key, None)
