"""What the shared emulator fixture offers, proven through the official kubernetes client."""

from __future__ import annotations

import json
from typing import Any

import kmock
import pytest
from kubernetes import client, watch

from kube_devops.sandbox.emulator import once
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body, json_object, list_meta, meta, spec


def _pod(name: str, namespace: str = "default", image: str = "nginx:1.25") -> client.V1Pod:
    return body(client.V1Pod, _pod_dict(name, namespace, image))


def _pod_dict(name: str, namespace: str = "default", image: str = "nginx:1.25") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"containers": [{"name": "app", "image": image}]},
    }


def test_create_stamps_metadata_and_patch_bumps_resource_version(
    kube_emulator: KubeEmulator,
) -> None:
    core = kube_emulator.core
    created = core.create_namespaced_pod("default", _pod("web"))
    assert meta(created).uid
    assert meta(created).creation_timestamp is not None
    first = int(str(meta(created).resource_version))
    patched = core.patch_namespaced_pod("web", "default", {"metadata": {"labels": {"a": "b"}}})
    assert int(str(meta(patched).resource_version)) == first + 1
    assert meta(patched).labels == {"a": "b"}
    listed = core.list_pod_for_all_namespaces()
    assert list_meta(listed).resource_version == str(first + 1)
    assert [meta(p).name for p in listed.items] == ["web"]


def test_lease_replace_is_guarded_by_resource_version(kube_emulator: KubeEmulator) -> None:
    api = kube_emulator.coordination
    lease = client.V1Lease(
        metadata=client.V1ObjectMeta(name="leader", namespace="kube-devops"),
        spec=client.V1LeaseSpec(holder_identity="a", lease_duration_seconds=15),
    )
    created = api.create_namespaced_lease("kube-devops", lease)
    spec(created).holder_identity = "b"
    replaced = api.replace_namespaced_lease("leader", "kube-devops", created)
    assert spec(replaced).holder_identity == "b"
    spec(created).holder_identity = "c"  # still carries the old resourceVersion
    with pytest.raises(client.ApiException) as err:
        api.replace_namespaced_lease("leader", "kube-devops", created)
    assert err.value.status == 409


def test_custom_objects_status_subresource_and_json_patch(kube_emulator: KubeEmulator) -> None:
    custom = kube_emulator.custom
    args = ("devops.stochastic.io", "v1", "default", "devopspolicies")
    # no enforcementMode: the emulator defaults it from the CRD schema, as a server would
    policy = {
        "apiVersion": "devops.stochastic.io/v1",
        "kind": "DevOpsPolicy",
        "metadata": {"name": "strict"},
        "spec": {"forbidLatestTag": True},
    }
    created = json_object(custom.create_namespaced_custom_object(*args, policy))
    assert created["metadata"]["generation"] == 1
    assert created["spec"] == {"forbidLatestTag": True, "enforcementMode": "audit"}  # CRD default
    status = json_object(
        custom.patch_namespaced_custom_object_status(
            *args, "strict", {"status": {"healthScore": 90}, "spec": {"forbidLatestTag": False}}
        )
    )
    assert status["status"] == {"healthScore": 90}
    assert status["spec"] == {"forbidLatestTag": True, "enforcementMode": "audit"}
    assert status["metadata"]["generation"] == 1
    ops = [
        {"op": "test", "path": "/spec/forbidLatestTag", "value": True},
        {"op": "replace", "path": "/spec/forbidLatestTag", "value": False},
    ]
    json_patch = "application/json-patch+json"  # the client sends merge patches by default
    patched = json_object(
        custom.patch_namespaced_custom_object(*args, "strict", ops, _content_type=json_patch)
    )
    assert patched["spec"] == {"forbidLatestTag": False, "enforcementMode": "audit"}
    assert patched["metadata"]["generation"] == 2
    with pytest.raises(client.ApiException) as err:
        custom.patch_namespaced_custom_object(*args, "strict", ops, _content_type=json_patch)
    assert err.value.status == 422


def test_json_patch_on_a_deployment_keeps_other_fields(kube_emulator: KubeEmulator) -> None:
    apps = kube_emulator.apps
    template = {"metadata": {"labels": {"app": "w"}}, "spec": _pod_dict("x")["spec"]}
    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w", "namespace": "default"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "w"}}, "template": template},
    }
    apps.create_namespaced_deployment("default", body(client.V1Deployment, deployment))
    ops: list[dict[str, Any]] = [
        {"op": "test", "path": "/spec/template/spec/containers/0/name", "value": "app"},
        {
            "op": "add",
            "path": "/spec/template/spec/containers/0/readinessProbe",
            "value": {"tcpSocket": {"port": 80}},
        },
    ]
    patched = apps.patch_namespaced_deployment("w", "default", ops)
    container = spec(spec(patched).template).containers[0]
    assert container.readiness_probe is not None
    assert container.readiness_probe.tcp_socket is not None
    assert container.readiness_probe.tcp_socket.port == 80
    assert container.image == "nginx:1.25"
    assert patched.spec.replicas == 2


def test_watch_resumes_from_resource_version_and_reports_gone(
    kube_emulator: KubeEmulator,
) -> None:
    core = kube_emulator.core
    first = core.create_namespaced_pod("default", _pod("a"))
    core.create_namespaced_pod("default", _pod("b"))
    core.delete_namespaced_pod("a", "default")
    stream = watch.Watch().stream(  # type: ignore[no-untyped-call]  # the client's watch is untyped
        core.list_namespaced_pod,
        "default",
        resource_version=meta(first).resource_version,
        timeout_seconds=1,
    )
    seen = [(event["type"], meta(event["object"]).name) for event in stream]
    assert seen == [("ADDED", "b"), ("DELETED", "a")]
    kube_emulator.thread.compact()
    raw = core.api_client.call_api(
        "GET",
        f"{kube_emulator.url}/api/v1/namespaces/default/pods?watch=true&resourceVersion="
        f"{meta(first).resource_version}",
    )
    raw.read()
    event = json.loads(raw.data.splitlines()[0])
    assert event["type"] == "ERROR"
    assert event["object"]["code"] == 410


def test_scripted_one_shot_failure(kube_emulator: KubeEmulator) -> None:
    kube_emulator.thread.call(lambda emu: emu[kmock.action.LIST] << once(500, "etcd is down"))
    core = kube_emulator.core
    with pytest.raises(client.ApiException) as err:
        core.list_namespaced_pod("default")
    assert err.value.status == 500
    assert core.list_namespaced_pod("default").items == []
