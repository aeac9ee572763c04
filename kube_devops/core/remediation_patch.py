"""The guards and the marker of a remediation JSON patch (pure, RFC 6902 / RFC 6901).

Every patch **starts with a ``test`` of ``/metadata/resourceVersion``** against the version that
was read: the API server applies a JSON patch to the object as it is *now*, and an ``add`` cannot
test that a field is still absent, so without this guard a probe someone added between our read
and our write would be overwritten. With it, any change since the read makes the API answer 422
and nothing is written; the caller reads the workload again and plans anew. A workload without a
``resourceVersion`` (not read from the API) cannot be guarded (``ValueError``).

Every touched container gets a ``test`` op on its name at its template index, so a reordered or
renamed container makes the whole patch fail instead of changing the wrong one. A patch with
changes ends by annotating the pod template with ``devops.stochastic.io/patched-by``.

- ``version_guard(workload)`` — the ``resourceVersion`` ``test`` op;
- ``name_guard(base, name)`` — the ``test`` op on a container's name at its JSON pointer;
- ``patched_by_op(workload)`` — the ``add`` op of the annotation (``PATCHED_BY_ANNOTATION`` =
  ``PATCHED_BY_VALUE``), creating the template's metadata or annotations when absent;
- ``json_pointer_token(key)`` — one escaped JSON-pointer reference token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_devops.core.bodies import PatchOp
from kube_devops.core.meta import Meta
from kube_devops.core.policy import GROUP
from kube_devops.core.remediation_model import workload_ref

#: Annotation set on the pod template of every patched workload.
PATCHED_BY_ANNOTATION = f"{GROUP}/patched-by"
#: Its value.
PATCHED_BY_VALUE = "kube-devops-reconcile"


def json_pointer_token(key: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901): ``~`` -> ``~0``, ``/`` -> ``~1``."""
    return key.replace("~", "~0").replace("/", "~1")


def version_guard(workload: Mapping[str, Any]) -> PatchOp:
    """The ``test`` op pinning the patch to the ``resourceVersion`` of ``workload`` as read."""
    version = Meta.of(workload).resource_version
    if not version:
        raise ValueError(
            f"{workload_ref(workload).key}: no metadata.resourceVersion; plan only workloads "
            "read from the API, so the patch can be guarded against concurrent changes"
        )
    return {"op": "test", "path": "/metadata/resourceVersion", "value": version}


def name_guard(base: str, name: str) -> PatchOp:
    """The ``test`` op checking that the container at JSON pointer ``base`` is still ``name``."""
    return {"op": "test", "path": f"{base}/name", "value": name}


def patched_by_op(workload: Mapping[str, Any]) -> PatchOp:
    """The ``add`` op annotating the pod template of ``workload`` as patched by us."""
    meta = ((workload.get("spec") or {}).get("template") or {}).get("metadata")
    entry = {PATCHED_BY_ANNOTATION: PATCHED_BY_VALUE}
    if not isinstance(meta, dict):
        value = {"annotations": entry}
        return {"op": "add", "path": "/spec/template/metadata", "value": value}
    if not isinstance(meta.get("annotations"), dict):
        return {"op": "add", "path": "/spec/template/metadata/annotations", "value": entry}
    path = f"/spec/template/metadata/annotations/{json_pointer_token(PATCHED_BY_ANNOTATION)}"
    return {"op": "add", "path": path, "value": PATCHED_BY_VALUE}
