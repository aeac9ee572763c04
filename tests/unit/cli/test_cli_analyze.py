"""Offline ``kube-devops analyze --file``: hand-computed scores, outputs, bad input, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.cli.main import main

HERE = Path(__file__).parent
INPUTS = HERE / "analyze_inputs"
SAMPLES = HERE.parents[2] / "kube-tests"
WORKLOADS = str(SAMPLES / "sample-workloads.yaml")
POLICIES = str(SAMPLES / "sample-devopspolicy.yaml")

# Hand-computed from kube-tests/sample-workloads.yaml (weights 5/3/2/6/4):
#   production: web 0, api 0, debug-shell (busybox, no probes) 5+3+2 = 10
#               -> 3 pods, 100 - 10//3 = 97
#   staging: checkout (no probes) 3+2 = 5, cache (redis:latest, no liveness) 5+3 = 8, frontend 0
#            -> 3 pods, raw 13, 100 - 13//3 = 96
#   dev: experiment 10, scratch 10, legacy-batch (2 containers) 20, worker (sidecar) 5
#        -> 4 pods, raw 45, 100 - 45//4 = 89
#   cluster pooled: 10 pods, raw 68, 100 - 68//10 = 94
EXPECTED_NAMESPACES = [
    {"namespace": "dev", "score": 89, "class": "Healthy", "pods": 4,
     "violations": {"latest_tag": 4, "missing_liveness": 5, "missing_readiness": 5,
                    "high_restarts": 0, "pending": 0}},
    {"namespace": "production", "score": 97, "class": "Healthy", "pods": 3,
     "violations": {"latest_tag": 1, "missing_liveness": 1, "missing_readiness": 1,
                    "high_restarts": 0, "pending": 0}},
    {"namespace": "staging", "score": 96, "class": "Healthy", "pods": 3,
     "violations": {"latest_tag": 1, "missing_liveness": 2, "missing_readiness": 1,
                    "high_restarts": 0, "pending": 0}},
]  # fmt: skip


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, list[str]]:
    code = main(["analyze", *argv, "-o", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err.splitlines()


def test_samples_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = _run(capsys, "--file", WORKLOADS, POLICIES)
    assert (code, err) == (0, [])
    assert data["cluster"] == {"score": 94, "class": "Healthy", "pods": 10}
    assert data["namespaces"] == EXPECTED_NAMESPACES
    assert len(data["findings"]) == 21
    assert data["findings"][0] == {
        "namespace": "dev",
        "pod": "experiment",
        "container": "app",
        "check": "latest_tag",
        "severity": "high",
        "message": "container app: image 'nginx' is not pinned (no tag or tag 'latest'); "
        "pin a version tag or a digest",
    }
    # the staging policy raises latestTag to critical
    cache = [f for f in data["findings"] if f["pod"] == "cache" and f["check"] == "latest_tag"]
    assert [f["severity"] for f in cache] == ["critical"]


def test_yaml_output_matches_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, data, _ = _run(capsys, "--file", WORKLOADS)
    assert main(["analyze", "--file", WORKLOADS, "-o", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == data


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--file", WORKLOADS]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:5] == [
        "NAMESPACE   PODS  SCORE  CLASS    LATEST  LIVENESS  READINESS  RESTARTS  PENDING",
        "dev         4     89     Healthy  4       5         5          0         0",
        "production  3     97     Healthy  1       1         1          0         0",
        "staging     3     96     Healthy  1       2         1          0         0",
        "(cluster)   10    94     Healthy  6       8         7          0         0",
    ]
    assert lines[6].split() == ["NAMESPACE", "POD", "CONTAINER", "SEVERITY", "CHECK", "MESSAGE"]
    assert len(lines) == 7 + 21


@pytest.mark.parametrize(("minimum", "code"), [(94, 0), (95, 3)])
def test_min_score(capsys: pytest.CaptureFixture[str], minimum: int, code: int) -> None:
    assert main(["analyze", "--file", WORKLOADS, "--min-score", str(minimum)]) == code
    err = capsys.readouterr().err
    assert ("below --min-score 95" in err) is (code == 3)


def test_stdin_list_with_live_status(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO((INPUTS / "live-pods.json").read_text()))
    code, data, err = _run(capsys, "--file", "-")
    # shop: restarts 7 > 3 -> min(7, 5) = 5 units x 6 = 30; Pending since 2020 -> 1 x 4 = 4;
    # the Succeeded pod and kube-system are not scored: 2 pods, 100 - 34 // 2 = 83
    assert (code, err) == (0, [])
    assert data["cluster"] == {"score": 83, "class": "Healthy", "pods": 2}
    assert [(f["pod"], f["container"], f["check"]) for f in data["findings"]] == [
        ("api-7d9f-abcde", "api", "high_restarts"),
        ("api-7d9f-fghij", None, "pending"),
    ]


def test_system_namespaces_flag(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO((INPUTS / "live-pods.json").read_text()))
    _, data, _ = _run(capsys, "--file", "-", "--system-namespaces", "shop")
    # shop excluded now; coredns (untagged, no probes: 5+3+2) counts: 100 - 10 = 90
    assert data["cluster"] == {"score": 90, "class": "Healthy", "pods": 1}


def test_ignore_policies(capsys: pytest.CaptureFixture[str]) -> None:
    _, data, _ = _run(capsys, "--file", WORKLOADS, POLICIES, "--ignore-policies")
    cache = [f for f in data["findings"] if f["pod"] == "cache" and f["check"] == "latest_tag"]
    assert [f["severity"] for f in cache] == ["high"]


BAD = {
    "malformed.yaml": "{path}: malformed YAML at line 5, column 13: mapping values are not "
    "allowed in this context; fix the syntax (nothing in this file was analysed)",
    "not-an-object.yaml": "{path}#1: not a Kubernetes object (got list); each document needs "
    "apiVersion, kind and metadata.name",
    "policy-enforcing.yaml": "{path}#1 (DevOpsPolicy/staging/typo-policy): spec.enforcementMode: "
    "'enforcing' is not allowed; use one of: audit, enforce",
    "policy-negative-restarts.yaml": "{path}#1 (DevOpsPolicy/dev/negative): spec.maxRestartCount: "
    "-1 is out of range; use a whole number >= 0",
    "containers-not-a-list.yaml": "{path}#1 (Deployment/dev/odd): spec.template.spec.containers: "
    "expected a list, got str; write a list of mappings (- name: ...)",
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_one_line_exit_2_rest_analysed(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = str(INPUTS / name)
    code, data, err = _run(capsys, "--file", path, WORKLOADS)
    assert code == 2
    assert err[0] == "kube-devops: error: " + BAD[name].format(path=path)
    assert data["cluster"] == {"score": 94, "class": "Healthy", "pods": 10}


def test_second_bad_document_is_also_reported(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(INPUTS / "not-an-object.yaml")
    assert main(["analyze", "--file", path, "-o", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no pod to score: no report
    assert err.splitlines() == [
        f"kube-devops: error: {path}#1: not a Kubernetes object (got list); each document needs "
        "apiVersion, kind and metadata.name",
        f"kube-devops: error: {path}#2: kind: missing; not a Kubernetes object; each document "
        "needs apiVersion, kind and metadata.name",
    ]


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    code, data, err = _run(capsys, "--file", missing, WORKLOADS)
    assert code == 2
    assert err == [
        f"kube-devops: error: {missing}: cannot read the file (No such file or directory); "
        "pass an existing YAML/JSON file"
    ]
    assert data["cluster"]["pods"] == 10


def test_bad_system_namespace_pattern(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--file", WORKLOADS, "--system-namespaces", "a*b"]) == 2
    assert "--system-namespaces: system namespace pattern 'a*b'" in capsys.readouterr().err
