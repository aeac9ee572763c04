"""No input, no score: ``analyze`` on nothing to score exits 2 with one line and no report.

An empty file, a file of comments, an empty List, a missing file, an empty directory, files with
no pod or workload, a namespace with nothing in it, or pods that are all excluded: before, each
printed a ``(cluster) 0 pods 100 Healthy`` table and passed ``--min-score``.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from kube_devops.cli.main import main

HERE = Path(__file__).parent
WORKLOADS = HERE.parents[2] / "kube-tests" / "sample-workloads.yaml"
SYSTEM_ONLY = """\
apiVersion: v1
kind: Pod
metadata: {name: dns, namespace: kube-system}
spec:
  containers: [{name: dns, image: coredns}]
"""
SERVICE_AND_CONFIGMAP = """\
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: dev}
"""
NO_OBJECT = (
    "{path}: no Kubernetes object in it (empty, or only comments and '---'); pass YAML/JSON "
    "with Pods or workloads (Deployments, Jobs, ...)"
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    code = main(["analyze", *argv])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


@pytest.mark.parametrize(
    "content",
    ["", "# only a comment\n", "---\n---\n", "[]"],
    ids=["empty", "comment", "dashes", "json-list"],
)
def test_a_file_without_objects_is_one_error_line_and_no_score(
    content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(content)
    code, out, err = _run(capsys, "--file", str(path), "--min-score", "90")
    assert (code, out) == (2, "")
    assert err == ["kube-devops: error: " + NO_OBJECT.format(path=path)]


def test_empty_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = _run(capsys, "--file", "-", "-o", "json")
    assert (code, out) == (2, "")
    assert err == ["kube-devops: error: " + NO_OBJECT.format(path="<stdin>")]


def test_missing_file_alone_prints_its_error_and_no_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = _run(capsys, "--file", str(missing))
    assert (code, out) == (2, "")
    assert err == [
        f"kube-devops: error: {missing}: cannot read the file (No such file or directory); "
        "pass an existing YAML/JSON file"
    ]


def test_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a manifest")
    code, out, err = _run(capsys, "--file", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == [
        f"kube-devops: error: {tmp_path}: no .yaml, .yml or .json file in this directory "
        "(searched recursively); pass files or a directory holding Kubernetes objects"
    ]


def test_directory_is_searched_for_manifests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "team").mkdir()
    shutil.copy(WORKLOADS, tmp_path / "team" / "workloads.yml")
    code, out, err = _run(capsys, "--file", str(tmp_path), "-o", "json")
    assert (code, err) == (0, [])
    # the 10 sample pods, pooled score 94 (worked out in test_cli_analyze.py)
    assert json.loads(out)["cluster"] == {"score": 94, "class": "Healthy", "pods": 10}


def test_objects_without_pods(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(SERVICE_AND_CONFIGMAP)
    code, out, err = _run(capsys, "--file", str(path), "--min-score", "90")
    assert (code, out) == (2, "")
    assert err == [
        f"kube-devops: error: nothing to score: no pod or workload in {path} (found 1 ConfigMap, "
        "1 Service); pass CronJob, DaemonSet, Deployment, Job, Pod, ReplicaSet, StatefulSet "
        "objects"
    ]


def test_a_list_of_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "list.json"
    path.write_text('{"apiVersion": "v1", "kind": "List", "items": []}')
    code, out, err = _run(capsys, "--file", str(path))
    assert (code, out) == (2, "")
    assert err == [
        f"kube-devops: error: nothing to score: no object in {path}; pass Pods or workloads"
    ]


def test_a_namespace_with_nothing_in_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--file", str(WORKLOADS), "-n", "nope")
    assert (code, out) == (2, "")
    assert err == [
        f"kube-devops: error: nothing to score: no object in namespace nope in {WORKLOADS}; "
        "check -n"
    ]


def test_pods_all_in_system_namespaces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(SYSTEM_ONLY)
    code, out, err = _run(capsys, "--file", str(path), "--min-score", "90")
    assert (code, out) == (2, "")
    assert err == [
        f"kube-devops: error: nothing to score: the 1 pod(s) in {path} are all finished "
        "(Succeeded or Failed) or in system namespaces; pass running or pending pods, or change "
        "--system-namespaces"
    ]


def test_an_empty_file_beside_a_good_one_is_named_and_the_rest_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    code, out, err = _run(capsys, "--file", str(empty), str(WORKLOADS), "-o", "json")
    assert code == 2
    assert err == ["kube-devops: error: " + NO_OBJECT.format(path=empty)]
    assert json.loads(out)["cluster"] == {"score": 94, "class": "Healthy", "pods": 10}
