"""The ``scale`` subresource of Deployments, ReplicaSets and StatefulSets (``autoscaling/v1``).

- ``scale_of(obj)`` — the ``Scale`` a GET of ``.../scale`` answers (``spec.replicas``, and
  ``status.replicas`` with the label selector as a string);
- ``scaled(obj, scale)`` — ``obj`` with ``spec.replicas`` taken from a written ``Scale``.
"""

from __future__ import annotations

import copy

from kube_devops.core.bodies import JsonDict

from .printers import selector_string
from .table import error


def scale_of(obj: JsonDict) -> JsonDict:
    """The ``autoscaling/v1`` Scale of a workload object."""
    meta = obj.get("metadata") or {}
    fields = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    selector = selector_string(spec.get("selector"))
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {f: meta[f] for f in fields if f in meta},
        "spec": {"replicas": spec.get("replicas", 1)},
        "status": {
            "replicas": status.get("replicas", 0),
            "selector": "" if selector == "<none>" else selector,
        },
    }


def scaled(obj: JsonDict, scale: JsonDict) -> JsonDict:
    """``obj`` with the replicas of the written ``scale`` (422 when they are not a count)."""
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise error(422, "Invalid", f"spec.replicas: Invalid value: {replicas!r}: must be >= 0")
    new = copy.deepcopy(obj)
    new.setdefault("spec", {})["replicas"] = replicas
    return new
