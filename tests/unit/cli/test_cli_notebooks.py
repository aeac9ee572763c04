"""``kube-devops notebooks list|copy`` write out the notebooks shipped in the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from kube_devops.cli.main import main

REPO_ROOT = Path(__file__).resolve().parents[3]
NAMES = ["explore_metrics.ipynb", "governance_report.ipynb", "verify_stack.ipynb"]


def test_list_names_the_three_notebooks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notebooks", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == NAMES


def test_copy_writes_the_repository_notebooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new" / "work"
    assert main(["notebooks", "copy", str(target)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {target / n}" for n in NAMES]
    for name in NAMES:
        assert (target / name).read_bytes() == (REPO_ROOT / "notebooks" / name).read_bytes()


def test_copy_keeps_an_existing_notebook_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "verify_stack.ipynb"
    mine.write_text("my edits", encoding="utf-8")
    assert main(["notebooks", "copy", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"kube-devops: error: {mine} exists already; pass --force to overwrite, or another DIR\n"
    )
    assert mine.read_text(encoding="utf-8") == "my edits"
    assert not (tmp_path / "explore_metrics.ipynb").exists()
    assert main(["notebooks", "copy", "--force", str(tmp_path)]) == 0
    assert mine.read_bytes() == (REPO_ROOT / "notebooks" / "verify_stack.ipynb").read_bytes()


def test_copy_into_a_file_fails_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert main(["notebooks", "copy", str(blocker / "sub")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kube-devops: error: notebooks copy {blocker / 'sub'}: ")
    assert err.count("\n") == 1
