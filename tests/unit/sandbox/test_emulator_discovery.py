"""Discovery and OpenAPI documents of the emulator, as kube-apiserver shapes them."""

from __future__ import annotations

from kube_devops.sandbox.emulator import RESOURCES
from kube_devops.sandbox.emulator.discovery import (
    aggregated,
    group_list,
    resource_list,
    wants_aggregated,
)
from kube_devops.sandbox.emulator.openapi import document, root

SPECS = list(RESOURCES)


def test_core_resource_list_names_group_version_v1() -> None:
    answer = resource_list(SPECS, "v1")
    assert answer is not None
    assert answer["groupVersion"] == "v1"
    entries = {entry["name"]: entry for entry in answer["resources"]}
    assert entries["pods"] == {
        "name": "pods",
        "singularName": "pod",
        "namespaced": True,
        "kind": "Pod",
        "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
        "shortNames": ["po"],
        "categories": ["all"],
    }
    assert entries["pods/status"]["verbs"] == ["get", "patch", "update"]
    assert resource_list(SPECS, "v2") is None


def test_scale_subresource_answers_an_autoscaling_scale() -> None:
    answer = resource_list(SPECS, "apps/v1")
    assert answer is not None
    scale = next(e for e in answer["resources"] if e["name"] == "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


def test_devopspolicy_discovery_comes_from_the_crd() -> None:
    answer = resource_list(SPECS, "devops.stochastic.io/v1")
    assert answer is not None
    entry = next(e for e in answer["resources"] if e["name"] == "devopspolicies")
    singular, short = entry["singularName"], entry["shortNames"]
    assert (singular, short, entry["categories"]) == ("devopspolicy", ["dop"], ["kube-devops"])
    groups = [group["name"] for group in group_list(SPECS)["groups"]]
    assert "devops.stochastic.io" in groups
    assert "" not in groups


def test_aggregated_discovery_of_the_core_group() -> None:
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    assert wants_aggregated(accept)
    assert not wants_aggregated("application/json, */*")
    (core,) = aggregated(SPECS, core=True)["items"]
    assert core["metadata"] == {"creationTimestamp": None}
    (version,) = core["versions"]
    pods = next(r for r in version["resources"] if r["resource"] == "pods")
    assert pods["responseKind"] == {"group": "", "version": "v1", "kind": "Pod"}
    assert pods["scope"] == "Namespaced"
    assert pods["subresources"] == [
        {
            "subresource": "status",
            "responseKind": {"group": "", "version": "v1", "kind": "Pod"},
            "verbs": ["get", "patch", "update"],
        }
    ]


def test_openapi_declares_field_validation_on_patch() -> None:
    url = root(SPECS)["paths"]["apis/apps/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/apps/v1?hash=")
    doc = document(SPECS, "apis/apps/v1")
    assert doc is not None
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    gvk = patch["x-kubernetes-group-version-kind"]
    assert gvk == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    assert document(SPECS, "apis/nothing/v1") is None
