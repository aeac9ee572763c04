"""Document checks before evaluation: Kubernetes-object shape, Lists, pod field types."""

from __future__ import annotations

from typing import Any

import pytest

from kube_devops.core.analysis import analyze_documents
from kube_devops.core.objects import ObjectError, check_pod_shape, expand
from kube_devops.core.policy import PolicySpec, policy_object

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "dev"}}


def test_list_is_expanded_with_item_labels() -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "PodList",
        "items": [POD, {**POD, "metadata": {"name": "q"}}],
    }
    assert [(w, o["metadata"]["name"]) for w, o in expand(doc, "f#1")] == [
        ("f#1 items[0]", "p"),
        ("f#1 items[1]", "q"),
    ]


def test_bad_list_item_is_named() -> None:
    doc = {"apiVersion": "v1", "kind": "List", "items": [POD, "oops"]}
    with pytest.raises(ObjectError) as info:
        list(expand(doc, "f#1"))
    assert str(info.value) == (
        "f#1 items[1]: not a Kubernetes object (got str); "
        "each document needs apiVersion, kind and metadata.name"
    )


@pytest.mark.parametrize(
    ("pod", "field", "problem"),
    [
        ({"spec": []}, "spec", "expected a mapping, got list"),
        ({"spec": {"containers": [1]}}, "spec.containers[0]", "expected a mapping, got int"),
        ({"spec": {"containers": [{"image": 5}]}}, "spec.containers[0].image", "5 is not a string"),
        (
            {"spec": {"initContainers": [{"name": "s", "restartPolicy": True}]}},
            "spec.initContainers[0].restartPolicy",
            "True is not a string",
        ),
        ({"status": "Running"}, "status", "expected a mapping, got str"),
        (
            {"status": {"containerStatuses": [{"restartCount": "3"}]}},
            "status.containerStatuses[0].restartCount",
            "'3' is not an integer",
        ),
    ],
)
def test_pod_shape_errors(pod: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(ObjectError) as info:
        check_pod_shape(pod, where="w")
    assert info.value.field == field
    assert str(info.value).startswith(f"w: {field}: {problem}; ")


def test_analysis_skips_empty_and_foreign_documents() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
    pod = {**POD, "spec": {"containers": [{"name": "a", "image": "a:1"}]}}
    analysis = analyze_documents([("f#1", None), ("f#2", service), ("f#3", pod)], now=0)
    # a:1 is pinned; no probes: 3 + 2 = 5 -> 95
    assert (analysis.ignored, analysis.errors, analysis.summary.cluster.score) == (1, [], 95)


def test_two_policies_in_a_namespace_warn_and_the_first_by_name_wins() -> None:
    def policy(name: str, spec: PolicySpec) -> dict[str, Any]:
        return dict(policy_object(name, "dev", spec))

    pod = {**POD, "spec": {"containers": [{"name": "a", "image": "a"}]}}
    docs = [
        ("f#1", policy("b-probes", PolicySpec(require_liveness_probe=True))),
        ("f#2", policy("a-images", PolicySpec(forbid_latest_tag=True))),
        ("f#3", pod),
    ]
    analysis = analyze_documents(docs, now=0)
    assert analysis.policies["dev"].name == "a-images"
    assert analysis.warnings == [
        "namespace dev: several DevOpsPolicies; using a-images, ignoring b-probes "
        "(keep one policy per namespace)"
    ]
    assert analysis.summary.cluster.units == [1, 0, 0, 0, 0]
