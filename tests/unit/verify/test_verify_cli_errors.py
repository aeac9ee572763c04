"""``kube-devops verify`` on bad input: one line naming what is wrong, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kube_devops.cli.main import main


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _error(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if "error" in line]


def test_unreachable_prometheus_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    url = _closed_port_url()
    assert main(["verify", "--prometheus-url", url]) == 1
    (line,) = _error(capsys)
    assert line.startswith(f"kube-devops: error: Prometheus at {url} is unreachable")


def test_missing_dashboard_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["verify", "--prometheus-url", "http://x", "--dashboard", str(missing)]) == 1
    (line,) = _error(capsys)
    assert f"dashboard file {missing}: cannot read it" in line


def test_dashboard_of_the_wrong_shape_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"panels": 5}')
    assert main(["verify", "--prometheus-url", "http://x", "--dashboard", str(bad)]) == 1
    (line,) = _error(capsys)
    assert f"{bad}: a field has the wrong shape" in line


@pytest.mark.parametrize("content", [None, "{", '{"kubeconfig": "k"}', '{"prometheus_url": 3}'])
def test_bad_state_file_is_a_usage_error(
    content: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    if content is not None:
        state.write_text(content)
    assert main(["verify", "--state-file", str(state)]) == 2
    (line,) = _error(capsys)
    assert f"--state-file {state}: not a sandbox state file" in line
