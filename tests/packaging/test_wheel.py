"""A built wheel runs every command outside the repository.

Once per test run: ``pip wheel`` builds the wheel from a copy of the source (so no build folder is
left in the repository, and none from an earlier build leaks into the wheel), which is installed
with its dependencies (from the package index) into a fresh virtual environment in a temporary
directory. Each command then
runs from a temporary working directory with that environment's ``kube-devops`` and no path into
the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.waiting import wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
SOURCE = ["pyproject.toml", "README.md", "LICENSE", "kube_devops", "notebooks", "kube-tests"]
NOTEBOOKS = ["explore_metrics.ipynb", "governance_report.ipynb", "verify_stack.ipynb"]

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding only the wheel and its dependencies."""

    bin: Path
    workdir: Path

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "kube-devops"), *args], cwd=self.workdir, env=self.env(),
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return env

    def python(self, code: str) -> str:
        argv = [str(self.bin / "python"), "-c", code]
        out = subprocess.run(argv, cwd=self.workdir, env=self.env(), capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()


def _check(argv: list[str]) -> None:
    run = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"{argv}: {run.stdout[-2000:]}{run.stderr[-3000:]}"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCE:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, source / name, symlinks=True, ignore=skip)
        else:
            shutil.copy2(REPO_ROOT / name, source / name)
    _check([*PIP, "wheel", "--no-deps", "--wheel-dir", str(root / "dist"), str(source)])
    (wheel,) = (root / "dist").glob("kube_devops-*.whl")
    _check([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")])
    venv_python = str(root / "venv" / "bin" / "python")
    _check([*PIP, "--python", venv_python, "install", str(wheel)])
    workdir = root / "work"
    workdir.mkdir()
    return Installed(root / "venv" / "bin", workdir)


def test_the_package_runs_from_the_environment_not_the_repository(installed: Installed) -> None:
    location = Path(installed.python("import kube_devops; print(kube_devops.__file__)"))
    assert location.is_relative_to(installed.bin.parent)
    assert not location.is_relative_to(REPO_ROOT)
    assert installed.run("--version").stdout == "kube-devops version 0.3.0\n"


def test_analyze_a_packaged_sample(installed: Installed) -> None:
    samples = Path(
        installed.python("from kube_devops.data import samples_dir; print(samples_dir())")
    )
    assert samples.is_relative_to(installed.bin.parent)
    run = installed.run("analyze", "--file", str(samples / "sample-workloads.yaml"), "-o", "json")
    assert (run.returncode, run.stderr) == (0, "")
    # kube-tests/sample-workloads.yaml: 10 pods, pooled cluster score 94 (tests/unit/cli)
    assert json.loads(run.stdout)["cluster"] == {"score": 94, "class": "Healthy", "pods": 10}


def test_notebooks_copy_writes_the_three_notebooks(installed: Installed) -> None:
    run = installed.run("notebooks", "copy", "nb")
    assert run.returncode == 0, run.stderr
    for name in NOTEBOOKS:
        copied = json.loads((installed.workdir / "nb" / name).read_text(encoding="utf-8"))
        assert copied["nbformat"] == 4
        assert (installed.workdir / "nb" / name).read_bytes() == (
            REPO_ROOT / "notebooks" / name
        ).read_bytes()


def test_sandbox_then_verify_with_its_state_file(installed: Installed) -> None:
    state = installed.workdir / "sandbox.json"
    sandbox = subprocess.Popen(
        [str(installed.bin / "kube-devops"), "sandbox", "--duration", "40", "--base-port", "0",
         "--state-file", str(state)],
        cwd=installed.workdir, env=installed.env(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until(
            lambda: state.exists() or sandbox.poll() is not None,
            60,
            "the state file or the sandbox's exit",
            every=0.2,
        )
        assert sandbox.stderr is not None
        assert state.exists(), sandbox.stderr.read() if sandbox.poll() is not None else "timeout"
        run = installed.run("verify", "--state-file", str(state), "--html", "report.html")
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
        assert "33 panel queries: 33 ok" in run.stdout
        page = (installed.workdir / "report.html").read_text(encoding="utf-8")
        assert 'id="verdict">33 panels: all return data<' in page  # the template ships
    finally:
        sandbox.send_signal(signal.SIGTERM)
        _, err = sandbox.communicate(timeout=60)
    assert sandbox.returncode == 0, err[-3000:]
    assert not state.exists()
