"""Pods from workload objects: a Pod as is, a controller's pod template as a pod.

Deployment, StatefulSet, DaemonSet, ReplicaSet and Job use ``spec.template``; CronJob uses
``spec.jobTemplate.spec.template``. The template becomes a Pod with the workload's namespace and
name and no status (so it is neither pending nor restarting). Other kinds give no pods.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from kube_devops.core.bodies import ObjectMeta, Pod, PodSpec
from kube_devops.core.meta import Meta
from kube_devops.core.policy import GROUP

#: Kinds whose ``spec.template`` is a pod template.
TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})
#: Every kind ``pods_from_object`` understands.
WORKLOAD_KINDS = TEMPLATE_KINDS | {"Pod", "CronJob"}
#: Kinds whose pod template enforcement patches (the owners a ReplicaSet or Job resolves to).
REMEDIABLE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})


def pods_from_object(obj: Mapping[str, Any]) -> list[Pod]:
    """The pods ``obj`` stands for: ``[obj]`` for a Pod, ``[template pod]`` for a controller."""
    kind = obj.get("kind")
    if kind == "Pod":
        return [cast(Pod, dict(obj))]
    template = pod_template(obj)
    if template is None:
        return []
    meta, tmeta = Meta.of(obj), Meta.of(template)
    metadata: ObjectMeta = {"name": meta.name, "namespace": meta.namespace}
    if tmeta.labels:
        metadata["labels"] = dict(tmeta.labels)
    metadata["annotations"] = {**tmeta.annotations, TEMPLATE_OF: f"{kind}"}
    return [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": metadata,
            "spec": cast(PodSpec, template.get("spec") or {}),
        }
    ]


#: Annotation on template pods naming the workload kind they came from.
TEMPLATE_OF = f"{GROUP}/template-of"


def pod_template(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The pod template of a workload object, or None for other kinds."""
    kind = obj.get("kind")
    spec = _mapping(obj.get("spec"))
    if kind in TEMPLATE_KINDS:
        template = spec.get("template")
    elif kind == "CronJob":
        template = _mapping(_mapping(spec.get("jobTemplate")).get("spec")).get("template")
    else:
        return None
    return template if isinstance(template, Mapping) else {}


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
