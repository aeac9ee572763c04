"""``kube-devops verify`` on bad input: exit 2 with one line naming the file or URL, never a
traceback; with ``--json`` the same line as ``{"ok": false, "error": ...}`` on stdout."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kube_devops.cli.main import main


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _NotPrometheus(BaseHTTPRequestHandler):
    """A web server that is not Prometheus: every path is 404 with an HTML page."""

    def do_GET(self) -> None:
        body = b"<html>not here</html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def web_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotPrometheus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _exit_code(argv: list[str]) -> int:
    """What the process would exit with: main's return value, or argparse's own exit."""
    try:
        return main(argv)
    except SystemExit as exited:
        return int(exited.code or 0)


def _error(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if "error" in line]


def test_unreachable_prometheus_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = _closed_port_url()
    assert main(["verify", "--prometheus-url", url]) == 2
    (line,) = _error(capsys)
    assert line == f"kube-devops: error: Prometheus at {url} is unreachable: Connection refused"


def test_url_that_is_not_the_prometheus_api_exits_2_with_the_status(
    web_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--prometheus-url", web_server, "--json"]) == 2
    captured = capsys.readouterr()
    message = (
        f"{web_server} is not a Prometheus API: GET /api/v1/query?query=1 answered HTTP 404 with "
        "an HTML page; give the Prometheus base URL (e.g. http://host:9090)"
    )
    assert json.loads(captured.out) == {"ok": False, "error": message}
    assert captured.err.splitlines()[-1] == f"kube-devops: error: {message}"


def test_missing_dashboard_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["verify", "--prometheus-url", "http://x", "--dashboard", str(missing)]) == 2
    (line,) = _error(capsys)
    assert str(missing) in line


@pytest.mark.parametrize(
    "content",
    [b'{"panels": 5}', b"\xff\xfe not utf-8", b"kind: ConfigMap\ndata: {}\n", b'{"title": "x"}'],
    ids=["wrong-shape", "not-utf8", "configmap-without-dashboard", "no-panel-target"],
)
def test_file_without_a_checkable_dashboard_exits_2_naming_it(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / ("bad.yaml" if content.startswith(b"kind") else "bad.json")
    bad.write_bytes(content)
    argv = ["verify", "--prometheus-url", "http://x", "--dashboard", str(bad), "--json"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["ok"] is False
    assert str(bad) in document["error"]
    (line,) = [x for x in captured.err.splitlines() if "error" in x]
    assert "Traceback" not in captured.err
    assert str(bad) in line


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


@pytest.mark.parametrize(
    ("flag", "value"), [("--datasource", "Loki"), ("--concurrency", "0"), ("--range", "1.5m")]
)
def test_bad_flag_values_exit_2(flag: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["verify", "--prometheus-url", "http://x", flag, value]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_help_states_the_panel_width_the_planner_assumes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kube_devops.cli.verify import ASSUMED_PANEL_WIDTH
    from kube_devops.verify.grafana import PANEL_WIDTH

    assert ASSUMED_PANEL_WIDTH == PANEL_WIDTH == 900
    assert _exit_code(["verify", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "so the default assumes a 1920-pixel window: 900" in text
