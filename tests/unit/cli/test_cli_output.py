"""``-o table|json|yaml`` on the structured verbs, and tables that fit the terminal."""

from __future__ import annotations

import json

import pytest
import yaml

from kube_devops.cli.main import main
from kube_devops.cli.output import table

ROWS = [
    ["NAME", "MODE", "DESCRIPTION"],
    ["baseline", "audit", "pinned images and readiness probes, audit only"],
]


def test_table_aligns_columns_and_leaves_a_pipe_unwrapped() -> None:
    assert table(ROWS, width=None) == (
        "NAME      MODE   DESCRIPTION\n"
        "baseline  audit  pinned images and readiness probes, audit only\n"
    )


def test_table_wraps_the_last_column_within_the_width() -> None:
    assert table(ROWS, width=40) == (
        "NAME      MODE   DESCRIPTION\n"
        "baseline  audit  pinned images and\n"
        "                 readiness probes, audit\n"
        "                 only\n"
    )


def test_table_keeps_a_minimum_last_column_on_a_very_narrow_terminal() -> None:
    lines = table(ROWS, width=10).splitlines()
    assert lines[1] == "baseline  audit  pinned images and"
    assert max(len(line) - 17 for line in lines[1:]) <= 20


def test_columns_env_sets_the_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["policy", "bundle-list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # the description starts at column 65 (10 + 7 + 42 wide columns, 2 spaces each): 35 left
    indent = " " * 65
    assert lines[:3] == [
        "NAME        MODE     CHECKS" + " " * 38 + "DESCRIPTION",
        "baseline    audit    latest,readiness" + " " * 28 + "pinned images and readiness probes,",
        indent + "audit only",
    ]
    assert max(len(line) for line in lines) <= 100


def test_bundle_list_json_and_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "bundle-list", "-o", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(b["name"], b["mode"]) for b in data] == [
        ("baseline", "audit"),
        ("restricted", "enforce"),
        ("permissive", "audit"),
    ]
    assert data[0]["checks"] == ["latest_tag", "missing_readiness"]
    assert main(["policy", "bundle-list", "-o", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == data


def test_bundle_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "bundle-show", "baseline", "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "spec": {
            "forbidLatestTag": True,
            "requireReadinessProbe": True,
            "enforcementMode": "audit",
        }
    }


def test_crd_generate_json_is_the_yaml_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crd", "generate"]) == 0
    as_yaml = yaml.safe_load(capsys.readouterr().out)
    assert main(["crd", "generate", "-o", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert as_json == as_yaml
    assert as_json["metadata"]["name"] == "devopspolicies.devops.stochastic.io"


@pytest.mark.parametrize(
    ("argv", "kinds"),
    [
        (["deploy", "generate-deployments"], ["Deployment"] * 3 + ["PodDisruptionBudget"] * 3),
        (["observability", "generate-services"], ["Service"] * 3),
        (["observability", "generate-service-monitors"], ["ServiceMonitor"] * 3),
    ],
)
def test_manifest_verbs_print_a_list_as_json(
    argv: list[str], kinds: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "-o", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert (as_json["apiVersion"], as_json["kind"]) == ("v1", "List")
    assert [item["kind"] for item in as_json["items"]] == kinds
    assert main(argv) == 0
    assert list(yaml.safe_load_all(capsys.readouterr().out)) == as_json["items"]
