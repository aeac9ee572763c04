"""Server-side printing helpers of the emulator: ages, pod status cells, CRD column cells."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kube_devops.sandbox.emulator import pod_printer
from kube_devops.sandbox.emulator.catalog import KNOWN
from kube_devops.sandbox.emulator.printers import human_duration, selector_string
from kube_devops.sandbox.emulator.printing import json_path, table, wants_table

NOW = datetime.datetime(2026, 1, 10, 12, 0, 0, tzinfo=datetime.UTC)
CREATED = "2026-01-10T11:00:00Z"  # one hour before NOW


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (150, "2m30s"),
        (599, "9m59s"),
        (600, "10m"),
        (10_799, "179m"),
        (10_800, "3h"),
        (12_000, "3h20m"),
        (28_800, "8h"),
        (169_200, "47h"),
        (172_800, "2d"),
        (273_600, "3d4h"),
        (691_200, "8d"),
        (63_072_000, "2y"),
        (65_664_000, "2y30d"),
        (252_288_000, "8y"),
    ],
)
def test_human_duration_matches_apimachinery(seconds: int, shown: str) -> None:
    assert human_duration(seconds) == shown


def _pod(status: dict[str, Any], **meta: Any) -> dict[str, Any]:
    metadata = {"name": "p", "creationTimestamp": CREATED, **meta}
    spec = {"containers": [{"name": "a"}, {"name": "b"}]}
    return {"metadata": metadata, "spec": spec, "status": status}


def _container(name: str, state: dict[str, Any], ready: bool = False) -> dict[str, Any]:
    return {"name": name, "ready": ready, "restartCount": 1, "state": state}


def test_pod_status_cells_follow_the_last_container_reason() -> None:
    status: dict[str, Any] = {
        "phase": "Running",
        "containerStatuses": [
            _container("a", {"running": {}}, ready=True),
            _container("b", {"terminated": {"exitCode": 137}}),
        ],
    }
    assert pod_printer.row(_pod(status), NOW)[:5] == ["p", "1/2", "ExitCode:137", "2", "60m"]
    status["containerStatuses"][1]["state"] = {"terminated": {"signal": 9}}
    assert pod_printer.row(_pod(status), NOW)[2] == "Signal:9"


def test_completed_pod_with_a_running_container_and_terminating_pod() -> None:
    status = {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [
            _container("a", {"terminated": {"reason": "Completed"}}),
            _container("b", {"running": {}}, ready=True),
        ],
    }
    assert pod_printer.row(_pod(status), NOW)[2] == "NotReady"
    deleting = _pod({"phase": "Running"}, deletionTimestamp=CREATED)
    assert pod_printer.row(deleting, NOW)[1:4] == ["0/2", "Terminating", "0"]


def test_crd_columns_are_typed_and_missing_values_are_null() -> None:
    policy = {
        "metadata": {"name": "strict", "creationTimestamp": CREATED},
        "spec": {"enforcementMode": "audit"},
        "status": {"healthScore": 87.0, "violations": 3},
    }
    answer = table(KNOWN["devops.stochastic.io/v1/devopspolicies"], [policy], "7", "None")
    names = [column["name"] for column in answer["columnDefinitions"]]
    assert names == ["Name", "Mode", "Score", "Class", "Violations", "Age"]
    (row,) = answer["rows"]
    assert row["cells"][:5] == ["strict", "audit", 87, None, 3]
    assert "object" not in row
    assert answer["metadata"] == {"resourceVersion": "7"}


def test_json_path_selectors_and_table_accept_headers() -> None:
    obj = {"a": {"b": [{"c": 1}, {"c": 2}]}}
    assert json_path(obj, ".a.b[1].c") == 2
    assert json_path(obj, ".a.x.c") is None
    expressions = [{"key": "tier", "operator": "In", "values": ["web", "api"]}]
    selector = {"matchLabels": {"app": "w"}, "matchExpressions": expressions}
    assert selector_string(selector) == "app=w,tier in (api,web)"
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    assert wants_table(accept)
    assert not wants_table("application/json")
