"""``papermill notebooks/verify_stack.ipynb OUT -p api real -p report_dir DIR``: the notebook
starts its own real sandbox and every shipped panel is ok."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kube_devops.sandbox.real.binaries import Binaries

pytestmark = pytest.mark.e2e_real

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "verify_stack.ipynb"


def test_verify_stack_notebook_on_the_real_api(binaries: Binaries, tmp_path: Path) -> None:
    out, reports = tmp_path / "verify_stack.ipynb", tmp_path / "reports"
    argv = [sys.executable, "-m", "papermill", str(NOTEBOOK), str(out),
            "-p", "api", "real", "-p", "report_dir", str(reports)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    executed = out.read_text()
    assert "'api': 'real'" in executed, "the notebook ran on the emulated API"
    report = json.loads((reports / "verify_report.json").read_text())
    not_ok = [(p["title"], p["status"], p.get("reason")) for p in report["panels"]
              if p["status"] != "ok"]  # fmt: skip
    assert not_ok == []
    assert len(report["panels"]) == 33  # the shipped dashboard's checked targets
    assert report["ok"] is True
