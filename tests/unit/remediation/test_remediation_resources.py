"""Filling missing resource keys: only absent keys, never a contradiction."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from kube_devops.core.policy import ResourceDefaults
from kube_devops.core.remediation_resources import parse_quantity, resource_ops

BASE = "/spec/template/spec/containers/0"
DEFAULTS = ResourceDefaults()  # 100m / 500m / 128Mi / 256Mi


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100m", Fraction(1, 10)),
        ("2", Fraction(2)),
        ("0.5", Fraction(1, 2)),
        ("128Mi", Fraction(134217728)),
        ("1G", Fraction(1000000000)),
        ("1e3", Fraction(1000)),
        ("1.5Gi", Fraction(1610612736)),
    ],
)
def test_parse_quantity(text: str, value: Fraction) -> None:
    assert parse_quantity(text) == value


def test_parse_quantity_rejects_garbage_naming_it() -> None:
    with pytest.raises(ValueError, match="'12 apples'"):
        parse_quantity("12 apples")


@pytest.mark.parametrize("absent", [None, "n/a", 7])
def test_no_resources_block_gets_one_add(absent: Any) -> None:
    adds, reasons = resource_ops(BASE, absent, DEFAULTS)

    assert reasons == []
    assert adds == [
        (
            {"op": "add", "path": f"{BASE}/resources", "value": {
                "requests": {"cpu": "100m", "memory": "128Mi"},
                "limits": {"cpu": "500m", "memory": "256Mi"}}},
            ("resources.requests.cpu", "resources.requests.memory",
             "resources.limits.cpu", "resources.limits.memory"),
        )
    ]  # fmt: skip


def test_empty_block_gets_both_sections() -> None:
    adds, _ = resource_ops(BASE, {}, DEFAULTS)

    paths = [op["path"] for op, _ in adds]
    assert paths == [f"{BASE}/resources/requests", f"{BASE}/resources/limits"]
    assert adds[0][0]["value"] == {"cpu": "100m", "memory": "128Mi"}


def test_only_missing_keys_are_filled_present_ones_kept() -> None:
    present = {"requests": {"cpu": "250m"}, "limits": {"cpu": "1", "memory": "1Gi"}}
    adds, reasons = resource_ops(BASE, present, DEFAULTS)

    assert reasons == []
    assert adds == [
        ({"op": "add", "path": f"{BASE}/resources/requests/memory", "value": "128Mi"},
         ("resources.requests.memory",)),
    ]  # fmt: skip


def test_complete_block_needs_nothing() -> None:
    present = {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}}
    assert resource_ops(BASE, present, DEFAULTS) == ([], [])


def test_limit_below_existing_request_is_skipped_with_reason() -> None:
    present = {"requests": {"cpu": "50m", "memory": "512Mi"}}
    adds, reasons = resource_ops(BASE, present, DEFAULTS)

    assert adds == [
        ({"op": "add", "path": f"{BASE}/resources/limits", "value": {"cpu": "500m"}},
         ("resources.limits.cpu",)),
    ]  # fmt: skip
    assert reasons == [
        "default limits.memory 256Mi contradicts the existing requests.memory 512Mi; "
        "set limits.memory on the workload by hand"
    ]


def test_request_above_existing_limit_is_skipped() -> None:
    present = {"limits": {"cpu": "50m", "memory": "1Gi"}}
    adds, reasons = resource_ops(BASE, present, DEFAULTS)

    assert adds == [
        ({"op": "add", "path": f"{BASE}/resources/requests", "value": {"memory": "128Mi"}},
         ("resources.requests.memory",)),
    ]  # fmt: skip
    assert len(reasons) == 1
    assert reasons[0].startswith("default requests.cpu 100m contradicts the existing limits.cpu")
