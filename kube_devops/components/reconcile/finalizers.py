"""The operator's finalizer as RFC 6902 patches that touch only our entry (pure).

``add_ops`` appends ``devops.stochastic.io/cleanup`` to ``metadata.finalizers`` (creating the list
when absent); ``remove_ops`` removes it at its index, guarded by a ``test`` op on that entry, so
a concurrent change to the list makes the patch fail instead of removing someone else's
finalizer. Other controllers' finalizers are never rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_devops.core.bodies import PatchOp
from kube_devops.core.meta import Meta
from kube_devops.core.policy import GROUP

FINALIZER = f"{GROUP}/cleanup"


def finalizers_of(obj: Mapping[str, Any]) -> list[str]:
    """``metadata.finalizers`` of ``obj`` (empty when absent)."""
    return Meta.of(obj).finalizers or []


def add_ops(obj: Mapping[str, Any]) -> list[PatchOp] | None:
    """Ops adding our finalizer to ``obj``; None when it is already there."""
    meta = Meta.of(obj)
    if FINALIZER in (meta.finalizers or ()):
        return None
    if not meta.has_finalizers_field:
        ops: list[PatchOp] = []
        version = meta.resource_version
        if version:
            # The list is created whole: only if nobody changed the object since we read it.
            ops.append({"op": "test", "path": "/metadata/resourceVersion", "value": version})
        ops.append({"op": "add", "path": "/metadata/finalizers", "value": [FINALIZER]})
        return ops
    if meta.finalizers is None:
        return [{"op": "replace", "path": "/metadata/finalizers", "value": [FINALIZER]}]
    return [{"op": "add", "path": "/metadata/finalizers/-", "value": FINALIZER}]


def remove_ops(obj: Mapping[str, Any]) -> list[PatchOp] | None:
    """Ops removing our finalizer from ``obj``; None when it is not there."""
    current = finalizers_of(obj)
    if FINALIZER not in current:
        return None
    index = current.index(FINALIZER)
    path = f"/metadata/finalizers/{index}"
    return [{"op": "test", "path": path, "value": FINALIZER}, {"op": "remove", "path": path}]
