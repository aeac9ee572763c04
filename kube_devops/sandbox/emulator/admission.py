"""What a custom resource written over HTTP goes through before it is stored: its CRD schema.

``admitted(spec, request, obj, old=None)`` — ``obj`` pruned, defaulted and validated by
``spec.schema`` (``schema.admit``; unchanged when the resource has no schema): a 400 naming the
unknown fields under ``fieldValidation=Strict``, a 422 Invalid with ``causes`` otherwise. On an
update (``old`` given) a value the update leaves as it was is not held against it (validation
ratcheting, on by default since Kubernetes 1.30), and a status write is judged on ``status``
only, as the apiextensions server does.
"""

from __future__ import annotations

import kmock

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta

from . import schema
from .catalog import ResourceSpec
from .table import error, invalid


def admitted(
    spec: ResourceSpec | None, request: kmock.Request, obj: JsonDict, old: JsonDict | None = None
) -> JsonDict:
    """``obj`` as the API server would store it (see the module docstring)."""
    if spec is None or spec.schema is None:
        return obj
    strict = request.params.get("fieldValidation") == "Strict"
    result, errors = schema.admit(obj, spec.schema, strict)
    if old is not None:
        errors = [e for e in errors if not schema.unchanged(e[1], old, result)]
    if request.subresource == "status":
        errors = [e for e in errors if e[1] == "status" or e[1].startswith("status.")]
    unknown = [message for reason, _, message in errors if reason == "FieldValueUnknown"]
    if unknown:
        raise error(400, "BadRequest", "strict decoding error: " + ", ".join(unknown))
    if errors:
        raise invalid(spec, Meta.of(obj).name, errors)
    return result
