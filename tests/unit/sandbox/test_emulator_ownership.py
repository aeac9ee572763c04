"""Server-side apply field ownership as the emulator keeps it."""

from __future__ import annotations

from typing import Any

from kube_devops.sandbox.emulator.ownership import Owners, changed, fields

KEY = ("configmaps", "shop", "settings")


def _manifest(**data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": data}


def test_fields_step_through_maps_keyed_lists_and_sets() -> None:
    deployment = {
        "metadata": {"name": "web", "finalizers": ["a"]},
        "spec": {"containers": [{"name": "app", "args": ["x", "y"]}]},
    }
    assert fields(deployment) == {
        ("metadata", "finalizers", "[=a]"),
        ("spec", "containers", "[name=app]", "name"),
        ("spec", "containers", "[name=app]", "args"),
    }


def test_a_reapply_drops_only_fields_no_one_else_owns() -> None:
    owners = Owners()
    owners.record(KEY, "kubectl", _manifest(a="1", b="2", c="3"))
    owners.record(KEY, "ops", _manifest(c="3"))
    live = {**_manifest(a="1", b="2", c="3")}
    owners.updated(KEY, live, {**live, "data": {"a": "1", "b": "9", "c": "3"}})
    merged = {**live, "data": {"a": "1", "b": "9", "c": "3"}}
    result = owners.applied(KEY, "kubectl", _manifest(), merged)
    assert result["data"] == {"b": "9", "c": "3"}  # a dropped; b changed by another; c ops'


def test_changed_lists_the_differing_leaves() -> None:
    assert changed({"a": 1, "b": {"c": 2}}, {"a": 1, "b": {"c": 3, "d": 4}}) == {
        ("b", "c"),
        ("b", "d"),
    }
