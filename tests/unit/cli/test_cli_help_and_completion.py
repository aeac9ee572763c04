"""Every verb's ``--help`` ends with examples and exit codes, and the bash completion script
(generated from the same parser) completes verbs, flags and flag values in a real bash."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

import pytest

from kube_devops.cli.completion import levels
from kube_devops.cli.main import build_parser, main

#: Verbs whose help belongs to other parts of the project.
NOT_COVERED = {"verify", "sandbox", "version"}


def _leaf_paths() -> list[str]:
    """Every command path that runs something (has no sub-verbs)."""
    found = list(levels(build_parser()))
    parents = {level.path.rpartition(" ")[0] for level in found if " " in level.path}
    return [
        level.path
        for level in found
        if level.path and level.path not in parents and level.path.split()[0] not in NOT_COVERED
    ]


def test_the_leaf_verbs_are_the_expected_ones() -> None:
    assert sorted(_leaf_paths()) == sorted(
        ["analyze", "check", "completion", "list", "reconcile", "watch",
         "crd generate", "crd install",
         "deploy generate-all", "deploy generate-rbac", "deploy generate-deployments",
         "notebooks list", "notebooks copy",
         "observability generate-all", "observability generate-services",
         "observability generate-service-monitors", "observability generate-dashboard",
         "observability generate-alerts", "observability write-reference",
         "policy bundle-list", "policy bundle-show", "policy bundle-apply",
         "webhook serve", "webhook cert-generate", "webhook install-config"]
    )  # fmt: skip


def _help_paths() -> list[str]:
    """The top level, every group (``crd``) and every leaf verb."""
    groups = {path.rpartition(" ")[0] for path in _leaf_paths() if " " in path}
    return ["", *sorted(groups), *_leaf_paths()]


@pytest.mark.parametrize("path", _help_paths())
def test_help_ends_with_examples_and_exit_codes(
    path: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*path.split(), "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    examples, _, codes = text.partition("\nexamples:\n")[2].partition("\n\nexit codes:\n")
    command = f"  kube-devops {path}".rstrip()
    assert any(line.startswith(f"{command} ") or line == command
               for line in examples.splitlines()), examples  # fmt: skip
    assert codes.splitlines()
    assert all(re.fullmatch(r"  \d+ *  \S.*", line) for line in codes.splitlines()), codes


def _complete(script: Path, line: str) -> list[str]:
    """COMPREPLY of the completion function for the command line typed so far."""
    program = (
        'source "$1"; read -ra COMP_WORDS <<< "$2"; [[ "$2" == *" " ]] && COMP_WORDS+=("");'
        ' COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _kube_devops; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    run = subprocess.run(
        ["bash", "-c", program, "_", str(script), line],
        capture_output=True, text=True, check=True, cwd=script.parent,
    )  # fmt: skip
    return [word for word in run.stdout.splitlines() if word]


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("completion")
    (folder / "pods.yaml").write_text("", encoding="utf-8")
    (folder / "policy.yaml").write_text("", encoding="utf-8")
    script = folder / "kube-devops.bash"
    with pytest.MonkeyPatch.context() as patch:
        lines: list[str] = []
        patch.setattr("builtins.print", lambda text, end="\n": lines.append(text + end))
        assert main(["completion", "bash"]) == 0
    script.write_text("".join(lines), encoding="utf-8")
    return script


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kube-devops cr", ["crd"]),
        ("kube-devops crd ", ["-h", "--help", "generate", "install"]),
        ("kube-devops no", ["notebooks"]),
        ("kube-devops analyze --fi", ["--file"]),
        ("kube-devops analyze -o ", ["table", "json", "yaml"]),
        ("kube-devops crd generate -o ", ["yaml", "json"]),
        ("kube-devops completion ", ["-h", "--help", "bash", "zsh"]),
        ("kube-devops list pods -n prod --all", ["--all-namespaces"]),
        ("kube-devops analyze --file po", ["policy.yaml", "pods.yaml"]),
        ("kube-devops analyze -n ", []),
        ("kube-devops observability generate-all --int", ["--interval"]),
    ],
)
def test_bash_completion(bash_script: Path, line: str, expected: list[str]) -> None:
    assert sorted(_complete(bash_script, line)) == sorted(expected)


def test_zsh_script_loads_the_bash_function_through_bashcompinit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["completion", "zsh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["#compdef kube-devops", "autoload -U +X bashcompinit && bashcompinit"]
    assert lines[-1] == "complete -F _kube_devops kube-devops"


def test_every_verb_of_the_parser_is_completed(bash_script: Path) -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(_complete(bash_script, "kube-devops ")) == sorted(
        [*sub.choices, "-h", "--help", "--version"]
    )
