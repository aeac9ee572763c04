"""``analyze`` says which namespaces it excluded and why, and ``-n`` limits it to one namespace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kube_devops.cli.main import main

HERE = Path(__file__).parent
SYSTEM = str(HERE / "analyze_inputs" / "system-namespaces.yaml")
LIVE_LIST = str(HERE / "analyze_inputs" / "live-pods.json")
WORKLOADS = str(HERE.parents[2] / "kube-tests" / "sample-workloads.yaml")


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["analyze", *argv, "-o", "json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_json_names_each_excluded_namespace_with_its_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _json(capsys, "--file", SYSTEM)
    assert data["excluded_namespaces"] == [
        {
            "namespace": "kube-system",
            "reason": "system namespace (matches 'kube-*'; change with --system-namespaces)",
        },
        {
            "namespace": "monitoring",
            "reason": "system namespace (matches 'monitoring'; change with --system-namespaces)",
        },
    ]
    # web-1 has no probes: 3 (liveness) + 2 (readiness) = 5 -> 95
    assert data["cluster"] == {"score": 95, "class": "Healthy", "pods": 1}


def test_table_ends_with_the_excluded_namespaces(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--file", SYSTEM, "--system-namespaces", "*-system"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == (
        "excluded: kube-system: system namespace (matches '*-system'; "
        "change with --system-namespaces)"
    )
    assert lines[1].split()[:3] == ["monitoring", "1", "95"]


def test_nothing_excluded_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert _json(capsys, "--file", WORKLOADS)["excluded_namespaces"] == []


def test_namespace_flag_keeps_one_namespace(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--file", WORKLOADS, "-n", "production")
    # production alone: 3 pods, score 97 (as in the full report)
    assert data["cluster"] == {"score": 97, "class": "Healthy", "pods": 3}
    namespaces = data["namespaces"]
    assert isinstance(namespaces, list)
    assert [n["namespace"] for n in namespaces] == ["production"]


def test_namespace_and_all_namespaces_exclude_each_other(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["analyze", "--file", WORKLOADS, "-n", "dev", "-A"])
    assert exit_info.value.code == 2
    assert "argument -A/--all-namespaces: not allowed with argument -n/--namespace" in (
        capsys.readouterr().err
    )


def test_namespace_flag_looks_inside_lists(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--file", LIVE_LIST, "-n", "shop")
    # as in test_stdin_list_with_live_status: shop's two scored pods, 100 - 34 // 2 = 83
    assert data["cluster"] == {"score": 83, "class": "Healthy", "pods": 2}
    assert data["excluded_namespaces"] == []
    everything = _json(capsys, "--file", LIVE_LIST)
    assert [n["namespace"] for n in everything["excluded_namespaces"]] == ["kube-system"]
