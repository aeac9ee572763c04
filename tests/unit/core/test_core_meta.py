"""The metadata view: one namespace default and one missing-name rule for every reader."""

from __future__ import annotations

from typing import Any

import pytest

from kube_devops.components.reconcile.scheduler import policy_key
from kube_devops.components.watch.state import ClusterState
from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.meta import IMPLICIT_NAMESPACE, Meta, object_key
from kube_devops.core.objects import label
from kube_devops.core.remediation_model import workload_ref

FULL: dict[str, Any] = {
    "kind": "Deployment",
    "metadata": {
        "name": "web",
        "namespace": "shop",
        "uid": "u-1",
        "generation": 3,
        "resourceVersion": "42",
        "creationTimestamp": "2024-05-01T12:00:00Z",
        "deletionTimestamp": "2024-05-02T12:00:00Z",
        "labels": {"app": "web"},
        "annotations": {"note": "x"},
        "ownerReferences": [{}, {"kind": "ReplicaSet", "name": "web-1", "controller": True}],
        "finalizers": ["a/b"],
    },
}


def test_every_field_of_a_full_object() -> None:
    meta = Meta.of(FULL)
    assert (meta.name, meta.namespace, meta.declared_namespace, meta.key) == (
        "web",
        "shop",
        "shop",
        "shop/web",
    )
    assert (meta.uid, meta.generation, meta.resource_version) == ("u-1", 3, "42")
    assert meta.creation_timestamp == "2024-05-01T12:00:00Z"
    assert meta.deletion_timestamp == "2024-05-02T12:00:00Z"
    assert (dict(meta.labels), dict(meta.annotations)) == ({"app": "web"}, {"note": "x"})
    assert meta.owner_references == [{"kind": "ReplicaSet", "name": "web-1", "controller": True}]
    assert (meta.finalizers, meta.has_finalizers_field) == (["a/b"], True)
    assert meta.label("Deployment") == "Deployment/shop/web"
    assert object_key(FULL) == "shop/web"


@pytest.mark.parametrize(
    "metadata",
    [None, "not a mapping", {}, {"namespace": ""}, {"namespace": None, "name": None}, {"name": 7}],
)
def test_missing_namespace_is_default_and_missing_name_is_empty(metadata: object) -> None:
    meta = Meta.of({"metadata": metadata})
    assert IMPLICIT_NAMESPACE == "default"
    assert (meta.namespace, meta.name, meta.key) == ("default", "", "default/")
    assert object_key({"metadata": metadata}) == "default/"
    assert meta.declared_namespace is None
    assert meta.label("Pod") == "Pod/default/?"
    assert (meta.uid, meta.generation, meta.resource_version, meta.finalizers) == (
        None,
        None,
        None,
        None,
    )
    assert (dict(meta.labels), meta.owner_references, meta.has_finalizers_field) == ({}, [], False)


def test_a_boolean_generation_is_not_a_generation() -> None:
    assert Meta.of({"metadata": {"generation": True}}).generation is None


def test_the_readers_agree_on_a_nameless_object_without_namespace() -> None:
    nameless: dict[str, Any] = {"kind": "Deployment", "metadata": {}, "spec": {}}
    result = evaluate_pod(nameless, now=0.0)
    assert (result.namespace, result.name, result.key) == ("default", "", "default/")
    assert policy_key(nameless) == "default/"
    assert workload_ref(nameless).namespace == "default"
    assert workload_ref(nameless).name == ""
    assert label(nameless) == "Deployment/default/?"


def test_the_watch_state_drops_a_nameless_pod_by_the_same_key() -> None:
    pod: dict[str, Any] = {"metadata": {}, "spec": {"containers": [{"name": "c", "image": "x"}]}}
    state = ClusterState(clock=lambda: 0.0)
    state.apply("ADDED", pod)
    assert list(state.pods) == ["default/"]
    state.apply("DELETED", pod)
    assert state.pods == {}
