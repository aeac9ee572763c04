"""``scripts/setup.sh`` is quiet and idempotent: it installs when ``pyproject.toml`` is new or
changed, and otherwise runs no pip at all.

Run on a copy of the script and ``pyproject.toml`` whose ``.venv/bin/python`` is a stand-in that
records its arguments (a real install is what the test command itself does first). The control
plane build script and its pins are copied too: the control plane the test command built first is
found in the cache, so setup only reports it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RECORDER = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
echo "chatter a user should not see"
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    for script in ("setup.sh", "build-control-plane.sh"):
        shutil.copy2(REPO_ROOT / "scripts" / script, tmp_path / "scripts" / script)
    shutil.copytree(REPO_ROOT / "control-plane", tmp_path / "control-plane")
    shutil.copy2(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(RECORDER, encoding="utf-8")
    python.chmod(0o755)
    return tmp_path


def _setup(project: Path) -> list[str]:
    run = subprocess.run(
        ["bash", str(project / "scripts" / "setup.sh")], capture_output=True, text=True, check=True
    )
    assert run.stderr == ""
    return run.stdout.splitlines()


def _calls(project: Path) -> list[str]:
    log = project / ".venv" / "bin" / "calls.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_installs_once_then_only_when_pyproject_changes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    pip = "-m pip install --quiet --disable-pip-version-check"
    first = _setup(project)
    assert first[0] == "==> installing kube-devops and its dependencies into .venv"
    assert first[1].startswith("==> prometheus, version ")
    assert first[2].startswith("==> real control plane v1.37.2 (etcd v3.7.3) already built in ")
    assert len(first) == 3
    assert _calls(project) == [f"{pip} --upgrade pip", f"{pip} -e .[dev]"]

    second = _setup(project)
    assert second[0] == "==> .venv is up to date with pyproject.toml"
    assert len(second) == 3
    assert len(_calls(project)) == 2

    with (project / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write("\n# a new dependency\n")
    assert _setup(project)[0] == "==> installing kube-devops and its dependencies into .venv"
    assert len(_calls(project)) == 4


def test_a_failed_install_shows_its_log_and_stamps_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    python = project / ".venv" / "bin" / "python"
    python.write_text("#!/bin/sh\necho 'ERROR: no matching distribution'\nexit 1\n")
    run = subprocess.run(
        ["bash", str(project / "scripts" / "setup.sh")], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "ERROR: no matching distribution" in run.stderr
    assert "error: pip install failed" in run.stderr
    assert not (project / ".venv" / "kube-devops-install.sha256").exists()
