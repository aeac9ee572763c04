"""The HTML report in a real browser: ``kube-devops verify --html`` on the dashboard broken on
purpose, loaded by headless Chromium; the rendered page lists exactly the failing targets first,
coloured as failing, each with its full detail."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.e2e.e2e_stacks import FakeStack

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent / "dashboards"
CHROMIUM = [
    "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ROW = re.compile(r'<tr class="status-(\w+)( fails)?">(.*?)</tr>', re.DOTALL)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.DOTALL)


def expected_failing() -> set[str]:
    """Titles the hand-written expectations mark empty or error (not filtered_out)."""
    expected = yaml.safe_load((HERE / "broken_dashboard_expected.yaml").read_text())
    return {
        title
        for title, want in expected.items()
        if want["status"] in {"empty", "error"} and want["reason"] != "filtered_out"
    }


def rendered_dom(page: Path, profile: Path) -> str:
    argv = [*CHROMIUM, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_the_browser_shows_the_failing_targets_first(fake_stack: FakeStack, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    argv = [sys.executable, "-m", "kube_devops", "verify", "--prometheus-url",
            fake_stack.prometheus_url, "--dashboard", str(HERE / "broken_dashboard.json"),
            "--range", "2m", "--html", str(page)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 1, done.stderr
    dom = rendered_dom(page, tmp_path / "profile")
    targets = dom[dom.index('id="targets"') :]
    rows = [(css, bool(fails), CELL.findall(cells)) for css, fails, cells in ROW.findall(targets)]
    flags = [fails for _css, fails, _cells in rows]
    failing = [cells for _css, fails, cells in rows if fails]
    assert flags == sorted(flags, reverse=True)  # every failing row before the others
    assert {html.unescape(c[2]).rsplit(" / ", 1)[-1] for c in failing} == expected_failing()
    assert {css for css, fails, _cells in rows if fails} <= {"empty", "error"}
    assert all(len(html.unescape(c[5])) > 20 for c in failing)  # the detail, in full
    assert "panels:" in dom[dom.index('id="verdict"') :][:80]
