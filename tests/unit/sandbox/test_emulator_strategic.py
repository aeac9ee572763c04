"""Strategic merge patch as the API server applies it to built-in kinds (emulator helper)."""

from __future__ import annotations

from typing import Any

from kube_devops.sandbox.emulator.strategic import strategic_merge

POD_SPEC: dict[str, Any] = {
    "containers": [
        {"name": "app", "image": "nginx:1.25", "env": [{"name": "A", "value": "1"}]},
        {"name": "sidecar", "image": "envoy:1.30"},
    ],
    "volumes": [{"name": "data", "emptyDir": {}}],
}


def test_containers_merge_by_name_and_keep_unnamed_fields() -> None:
    patch = {"containers": [{"name": "app", "image": "nginx:1.26"}]}
    assert strategic_merge(POD_SPEC, patch)["containers"] == [
        {"name": "app", "image": "nginx:1.26", "env": [{"name": "A", "value": "1"}]},
        {"name": "sidecar", "image": "envoy:1.30"},
    ]


def test_nested_env_merges_by_name_and_new_items_are_appended() -> None:
    patch = {"containers": [{"name": "app", "env": [{"name": "B", "value": "2"}]}]}
    merged = strategic_merge(POD_SPEC, patch)
    assert merged["containers"][0]["env"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "2"},
    ]


def test_patch_delete_and_set_element_order_directives() -> None:
    patch = {
        "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
        "containers": [{"name": "app", "$patch": "delete"}],
        "volumes": [{"$patch": "replace"}, {"name": "cache", "emptyDir": {}}],
    }
    merged = strategic_merge(POD_SPEC, patch)
    assert merged["containers"] == [{"name": "sidecar", "image": "envoy:1.30"}]
    assert merged["volumes"] == [{"name": "cache", "emptyDir": {}}]


def test_null_deletes_and_other_lists_are_replaced() -> None:
    old = {"spec": {"replicas": 2, "paused": True, "args": ["a", "b"]}}
    patch = {"spec": {"paused": None, "args": ["c"]}}
    assert strategic_merge(old, patch) == {"spec": {"replicas": 2, "args": ["c"]}}


def test_finalizers_merge_as_a_set_and_delete_from_primitive_list() -> None:
    old = {"finalizers": ["a", "b"]}
    assert strategic_merge(old, {"finalizers": ["b", "c"]}) == {"finalizers": ["a", "b", "c"]}
    removed = strategic_merge(old, {"$deleteFromPrimitiveList/finalizers": ["a"]})
    assert removed == {"finalizers": ["b"]}


def test_container_ports_merge_on_container_port_and_service_ports_on_port() -> None:
    container = {"ports": [{"containerPort": 80, "name": "http"}]}
    added = strategic_merge(container, {"ports": [{"containerPort": 9090, "name": "metrics"}]})
    assert added["ports"] == [
        {"containerPort": 80, "name": "http"},
        {"containerPort": 9090, "name": "metrics"},
    ]
    service = {"ports": [{"port": 80, "targetPort": 8080}]}
    changed = strategic_merge(service, {"ports": [{"port": 80, "targetPort": 9000}]})
    assert changed == {"ports": [{"port": 80, "targetPort": 9000}]}


def test_retain_keys_drops_the_keys_not_listed() -> None:
    old = {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}
    patch = {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}
    assert strategic_merge(old, patch) == {"strategy": {"type": "Recreate"}}
