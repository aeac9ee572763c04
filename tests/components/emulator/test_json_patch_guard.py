"""A JSON patch guarded by a ``test`` of ``metadata.resourceVersion``, as kube-apiserver takes it.

The API server applies a JSON patch to the object as it is now: a guard naming an older version
fails, the whole patch is refused with kube-apiserver's own answer (422 Invalid and a generic
message, as kube-apiserver 1.37 answers) and nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes import client

from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body, meta, spec

JSON_PATCH = "application/json-patch+json"
REAL_ANSWER = {
    "kind": "Status",
    "apiVersion": "v1",
    "status": "Failure",
    "message": "the server rejected our request due to an error in our request",
    "reason": "Invalid",
    "code": 422,
}


def deployment() -> dict[str, Any]:
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "app", "image": "a:1"}]}}},
    }  # fmt: skip


def containers(obj: client.V1Deployment) -> list[client.V1Container]:
    pod = spec(obj).template.spec
    assert pod is not None
    return pod.containers


def guarded(version: str | None) -> list[dict[str, Any]]:
    probe = {"tcpSocket": {"port": 8000}}
    return [
        {"op": "test", "path": "/metadata/resourceVersion", "value": version},
        {"op": "add", "path": "/spec/template/spec/containers/0/livenessProbe", "value": probe},
    ]


def test_a_stale_version_guard_refuses_the_whole_patch(kube_emulator: KubeEmulator) -> None:
    apps = kube_emulator.apps
    read = meta(
        apps.create_namespaced_deployment("default", body(client.V1Deployment, deployment()))
    ).resource_version
    theirs = {"op": "add", "path": "/metadata/labels", "value": {"team": "payments"}}
    changed = apps.patch_namespaced_deployment(
        "web", "default", [theirs], _content_type=JSON_PATCH
    )  # someone else's write between our read and our patch

    with pytest.raises(client.ApiException) as refused:
        apps.patch_namespaced_deployment("web", "default", guarded(read), _content_type=JSON_PATCH)

    assert refused.value.status == 422
    answer = json.loads(refused.value.body or "{}")
    assert {key: answer[key] for key in REAL_ANSWER} == REAL_ANSWER
    now = apps.read_namespaced_deployment("web", "default")
    assert meta(now).resource_version == meta(changed).resource_version  # nothing written
    assert containers(now)[0].liveness_probe is None


def test_a_current_version_guard_lets_the_patch_through(kube_emulator: KubeEmulator) -> None:
    apps = kube_emulator.apps
    read = meta(
        apps.create_namespaced_deployment("default", body(client.V1Deployment, deployment()))
    ).resource_version

    patched = apps.patch_namespaced_deployment(
        "web", "default", guarded(read), _content_type=JSON_PATCH
    )

    probe = containers(patched)[0].liveness_probe
    assert probe is not None
    assert probe.tcp_socket is not None
    assert probe.tcp_socket.port == 8000
    assert meta(patched).resource_version != read
