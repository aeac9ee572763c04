"""Workload objects turned into pods for evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from kube_devops.core.workloads import pods_from_object

TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
}


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"])
def test_template_kinds(kind: str) -> None:
    obj = {
        "kind": kind,
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": {"template": TEMPLATE},
    }
    (pod,) = pods_from_object(obj)
    assert pod == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web",
            "namespace": "prod",
            "labels": {"app": "web"},
            "annotations": {"devops.stochastic.io/template-of": kind},
        },
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }
    assert "status" not in pod


def test_cronjob_uses_job_template() -> None:
    obj = {
        "kind": "CronJob",
        "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template": TEMPLATE}}},
    }
    (pod,) = pods_from_object(obj)
    assert (pod["metadata"]["name"], pod["metadata"]["namespace"]) == ("nightly", "default")
    assert pod["spec"] == TEMPLATE["spec"]


def test_pod_is_returned_as_is() -> None:
    pod: dict[str, Any] = {"kind": "Pod", "metadata": {"name": "p"}, "status": {"phase": "Running"}}
    assert pods_from_object(pod) == [pod]


@pytest.mark.parametrize("kind", ["Service", "ConfigMap", "DevOpsPolicy", None])
def test_other_kinds_give_no_pods(kind: str | None) -> None:
    assert pods_from_object({"kind": kind, "metadata": {"name": "x"}}) == []


def test_deployment_without_template_gives_an_empty_pod() -> None:
    (pod,) = pods_from_object({"kind": "Deployment", "metadata": {"name": "d"}, "spec": {}})
    assert pod["spec"] == {}
