"""CustomResourceDefinitions that take effect: a stored CRD makes its resource served.

As on a real API server, creating (or applying) a CRD serves its first served version with the
CRD's names, scope, subresources and printer columns, and its status says so at once
(``NamesAccepted`` and ``Established`` true, ``acceptedNames``, ``storedVersions``); deleting it
deletes its objects (watchers see DELETED) and stops serving the resource (404).

- ``CRDS`` — the kmock resource of CustomResourceDefinitions;
- ``served_spec(crd)`` — the ``ResourceSpec`` a CRD object serves (``None`` if it is malformed);
- ``with_status(crd)`` — the CRD with the status the API server's controllers would write.
"""

from __future__ import annotations

import copy

import kmock

from kube_devops.core.bodies import JsonDict

from .catalog import ResourceSpec, crd_spec
from .table import now

CRDS = kmock.resource("apiextensions.k8s.io/v1/customresourcedefinitions")


def served_spec(crd: JsonDict) -> ResourceSpec | None:
    """The spec ``crd`` serves, or ``None`` when it names no group, plural or served version."""
    try:
        return crd_spec(crd)
    except (KeyError, StopIteration, TypeError, AttributeError):
        return None


def with_status(crd: JsonDict) -> JsonDict:
    """``crd`` with ``NamesAccepted``/``Established`` conditions and its accepted names."""
    spec = crd.get("spec") or {}
    versions = [v.get("name") for v in spec.get("versions") or [] if v.get("storage")]
    reasons = (("NamesAccepted", "NoConflicts"), ("Established", "InitialNamesAccepted"))
    conditions = [
        {"type": kind, "status": "True", "reason": reason, "lastTransitionTime": now(),
         "message": "the initial names have been accepted" if kind == "Established"
         else "no conflicts found"}
        for kind, reason in reasons
    ]  # fmt: skip
    old = (crd.get("status") or {}).get("conditions") or []
    if any(c.get("type") == "Established" and c.get("status") == "True" for c in old):
        conditions = old  # established already: the transition times stay
    status = {"conditions": conditions, "acceptedNames": copy.deepcopy(spec.get("names") or {})}
    status["storedVersions"] = versions
    return {**crd, "status": status}
