"""A plain clone runs the tests: the files git tracks, copied alone into an empty directory, are
enough for the tests that validate against the Prometheus Operator schemas (nothing is read from
beside the repository)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, check=True, capture_output=True
    ).stdout
    return [name for name in out.decode().split("\0") if name]


def test_schema_tests_pass_in_a_copy_of_the_tracked_files(tmp_path: Path) -> None:
    clone = tmp_path / "outer" / "kube-devops"
    for name in _tracked_files():
        source = REPO_ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    env = {**os.environ, "PYTHONPATH": str(clone)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/manifests"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
    assert [p.name for p in (tmp_path / "outer").iterdir()] == ["kube-devops"]  # nothing beside it
