"""``promtool check rules`` and ``promtool test rules`` over the generated alert rules.

The rule file is ``kube-tests/prometheus-rules.yaml`` (checked against the generator by the
reference-file test); the unit tests beside this file exercise every alert, firing and not.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from kube_devops.manifests.alerts import alerts

HERE = Path(__file__).resolve().parent
REPO_ROOT = next(p for p in HERE.parents if (p / "pyproject.toml").exists())
RULES = REPO_ROOT / "kube-tests" / "prometheus-rules.yaml"
UNIT_TESTS = HERE / "alerts_test.yaml"


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    assert binary is not None, "promtool is not on PATH; install the prometheus package"
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=60, check=False)


def test_promtool_check_rules() -> None:
    result = _promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 7 rules found" in result.stdout


def test_promtool_unit_tests_pass() -> None:
    result = _promtool("test", "rules", str(UNIT_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_firing_unit_test() -> None:
    cases = yaml.safe_load(UNIT_TESTS.read_text(encoding="utf-8"))["tests"]
    fired = {
        check["alertname"]
        for case in cases
        for check in case["alert_rule_test"]
        if check["exp_alerts"]
    }
    assert fired == {alert.name for alert in alerts()}
    assert len(fired) == 7


def test_a_wrong_expectation_fails(tmp_path: Path) -> None:
    text = UNIT_TESTS.read_text(encoding="utf-8").replace("is 995ms", "is 990ms")
    broken = tmp_path / "broken_test.yaml"
    broken.write_text(text.replace("../../kube-tests/", f"{RULES.parent}/"), encoding="utf-8")
    result = _promtool("test", "rules", str(broken))
    assert result.returncode == 1
    assert "990ms" in result.stdout + result.stderr
