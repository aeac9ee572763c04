"""Raw API bodies as ``TypedDict``s: the JSON shapes that cross the adapter edge.

They describe what the code reads; every key is optional (``total=False``) because the API server,
files and emulators may omit any of them, and unknown keys are kept as they are. ``JsonDict`` is
the one alias for a JSON object whose shape is not one of these (patches, manifests, schemas).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NotRequired, TypedDict

#: A JSON object of no particular kind.
JsonDict = dict[str, Any]


class PatchOp(TypedDict):
    """One RFC 6902 (JSON patch) operation."""

    op: str
    path: str
    value: NotRequired[Any]


class OwnerReference(TypedDict, total=False):
    """``metadata.ownerReferences[]``."""

    apiVersion: str
    kind: str
    name: str
    uid: str
    controller: bool


class ObjectMeta(TypedDict, total=False):
    """``metadata`` of any object."""

    name: str
    namespace: str
    uid: str
    generation: int
    resourceVersion: str
    creationTimestamp: str
    deletionTimestamp: str
    labels: dict[str, str]
    annotations: dict[str, str]
    ownerReferences: list[OwnerReference]
    finalizers: list[str]


class Container(TypedDict, total=False):
    """``spec.containers[]`` / ``spec.initContainers[]`` (null values read as absent)."""

    name: str
    image: str | None
    restartPolicy: str | None
    livenessProbe: JsonDict | None
    readinessProbe: JsonDict | None
    ports: list[JsonDict]
    resources: JsonDict


class ContainerStatus(TypedDict, total=False):
    """``status.containerStatuses[]``."""

    name: str
    restartCount: int


class PodSpec(TypedDict, total=False):
    """``spec`` of a pod (or of a workload's pod template)."""

    containers: list[Container]
    initContainers: list[Container]


class PodPhase(StrEnum):
    """``status.phase`` of a pod."""

    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    UNKNOWN = "Unknown"


class PodStatus(TypedDict, total=False):
    """``status`` of a pod."""

    phase: str
    containerStatuses: list[ContainerStatus]


class Pod(TypedDict, total=False):
    """A pod."""

    apiVersion: str
    kind: str
    metadata: ObjectMeta
    spec: PodSpec
    status: PodStatus


class PodTemplate(TypedDict, total=False):
    """``spec.template`` of a workload."""

    metadata: ObjectMeta
    spec: PodSpec


class WorkloadSpec(TypedDict, total=False):
    """``spec`` of a Deployment, StatefulSet, DaemonSet or ReplicaSet."""

    replicas: int
    selector: JsonDict
    template: PodTemplate


class Workload(TypedDict, total=False):
    """A Deployment-like workload (a pod template under ``spec.template``)."""

    apiVersion: str
    kind: str
    metadata: ObjectMeta
    spec: WorkloadSpec


class DevOpsPolicy(TypedDict, total=False):
    """A ``DevOpsPolicy`` custom object (``spec`` is validated by ``PolicySpec.from_dict``)."""

    apiVersion: str
    kind: str
    metadata: ObjectMeta
    spec: JsonDict
    status: JsonDict


class Event(TypedDict, total=False):
    """A core/v1 ``Event``."""

    apiVersion: str
    kind: str
    metadata: ObjectMeta
    involvedObject: JsonDict
    reason: str
    message: str
    type: str
    count: int
    firstTimestamp: str
    lastTimestamp: str
    source: JsonDict
    reportingComponent: str
    reportingInstance: str


class RawAdmissionRequest(TypedDict, total=False):
    """``request`` of an ``admission.k8s.io/v1`` AdmissionReview as sent; untrusted, so
    ``core.admission_review`` checks each value's type while parsing it into ``AdmissionRequest``.
    """

    uid: str
    kind: JsonDict
    resource: JsonDict
    subResource: str
    operation: str
    namespace: str
    name: str
    object: JsonDict
    oldObject: JsonDict
    dryRun: bool
