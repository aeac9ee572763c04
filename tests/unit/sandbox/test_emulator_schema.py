"""The DevOpsPolicy CRD schema applied by the emulator as the API server applies it."""

from __future__ import annotations

from typing import Any

from kube_devops.manifests.crd import devopspolicy_crd
from kube_devops.sandbox.emulator.schema import admit, unchanged

SCHEMA: dict[str, Any] = devopspolicy_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
HEAD = {"apiVersion": "devops.stochastic.io/v1", "kind": "DevOpsPolicy", "metadata": {"x": 1}}


def test_defaults_fill_and_unknown_fields_are_pruned() -> None:
    obj = {**HEAD, "spec": {"colour": "red", "defaultProbe": {"tcpPort": 80, "extra": 1}}}
    admitted, errors = admit(obj, SCHEMA, strict=False)
    assert errors == []
    assert admitted == {
        **HEAD,
        "spec": {"defaultProbe": {"tcpPort": 80}, "enforcementMode": "audit"},
    }


def test_strict_reports_each_unknown_field() -> None:
    obj = {**HEAD, "spec": {"colour": "red"}, "extra": True}
    _, errors = admit(obj, SCHEMA, strict=True)
    assert sorted(errors) == [
        ("FieldValueUnknown", "extra", 'unknown field "extra"'),
        ("FieldValueUnknown", "spec.colour", 'unknown field "spec.colour"'),
    ]


def test_types_bounds_patterns_and_required() -> None:
    obj = {
        **HEAD,
        "spec": {
            "maxRestartCount": "three",
            "defaultProbe": {"tcpPort": 70000},
            "defaultResources": {"cpuRequest": "lots"},
        },
        "status": {"healthScore": 101, "remediatedWorkloads": None, "classification": None},
    }
    _, errors = admit(obj, SCHEMA, strict=False)
    fields = {field: (reason, message) for reason, field, message in errors}
    assert fields["spec.maxRestartCount"] == (
        "FieldValueInvalid",
        'Invalid value: "string": spec.maxRestartCount in body must be of type integer: "string"',
    )
    assert fields["spec.defaultProbe.tcpPort"][1] == (
        "Invalid value: 70000: spec.defaultProbe.tcpPort in body should be less than or equal to "
        "65535"
    )
    assert fields["spec.defaultResources.cpuRequest"][1].startswith(
        'Invalid value: "lots": spec.defaultResources.cpuRequest in body should match'
    )
    assert fields["status.healthScore"][0] == "FieldValueInvalid"
    assert "status.remediatedWorkloads" not in fields  # nullable
    assert fields["status.classification"][1] == (
        'Invalid value: "null": status.classification in body must be of type string: "null"'
    )
    _, missing = admit(HEAD, SCHEMA, strict=False)
    assert missing == [("FieldValueRequired", "spec", "Required value")]


def test_unchanged_reads_nested_fields() -> None:
    old = {"spec": {"items": [{"name": "a"}]}}
    assert unchanged("spec.items[0].name", old, {"spec": {"items": [{"name": "a"}]}})
    assert not unchanged("spec.items[0].name", old, {"spec": {"items": [{"name": "b"}]}})
