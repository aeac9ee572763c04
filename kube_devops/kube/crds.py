"""CustomResourceDefinition install: create, or update the existing one in place.

``await install_crd(client, crd) -> "created" | "updated" | "unchanged"``. An update is a PUT
carrying the server's resourceVersion (compare-and-swap); a concurrent change is retried once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_devops.core.meta import Meta
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Conflict, NotFound
from kube_devops.kube.resources import CRDS


async def install_crd(client: KubeClient, crd: Mapping[str, Any]) -> str:
    """Create ``crd``, or replace the spec/labels of the one with the same name."""
    name = Meta.of(crd).name
    for _attempt in range(2):
        try:
            current = await client.get(CRDS, name)
        except NotFound:
            try:
                await client.create(CRDS, dict(crd))
                return "created"
            except Conflict:
                continue
        if _same(current, crd):
            return "unchanged"
        body = _updated(current, crd)
        try:
            await client.replace(CRDS, body)
            return "updated"
        except Conflict:
            continue
    raise Conflict(f"CRD {name} kept changing while being updated; run the install again")


def _updated(current: Mapping[str, Any], crd: Mapping[str, Any]) -> dict[str, Any]:
    meta = dict(Meta.of(current).raw)
    meta["labels"] = {**Meta.of(current).labels, **Meta.of(crd).labels}
    return {
        "apiVersion": crd["apiVersion"],
        "kind": crd["kind"],
        "metadata": meta,
        "spec": crd["spec"],
    }


def _same(current: Mapping[str, Any], crd: Mapping[str, Any]) -> bool:
    labels, wanted = Meta.of(current).labels, Meta.of(crd).labels
    if any(labels.get(k) != v for k, v in wanted.items()):
        return False
    return _contains(current.get("spec"), crd["spec"])


def _contains(have: Any, want: Any) -> bool:
    """True when every field of ``want`` is in ``have`` (the server adds defaults)."""
    if isinstance(want, Mapping):
        return isinstance(have, Mapping) and all(_contains(have.get(k), v) for k, v in want.items())
    if isinstance(want, list):
        return (
            isinstance(have, list)
            and len(have) == len(want)
            and all(_contains(h, w) for h, w in zip(have, want, strict=True))
        )
    return bool(have == want)
