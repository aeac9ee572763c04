"""``kube-devops verify`` never passes with nothing checked, and names what answered instead of
Prometheus.

Each case runs the real command against a real HTTP server on an ephemeral port: a web server
that is not Prometheus (404 page, HTML page, other JSON), one that answers queries but not the
rest of the API, and a minimal server speaking Prometheus's JSON envelope, for dashboards with
nothing to check. Exit 2 with one line, and with ``--json`` the same line as
``{"ok": false, "error": ...}`` on stdout.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from kube_devops.cli.main import main

FIX = "give the Prometheus base URL (e.g. http://host:9090)"
ENVELOPE = {"status": "success", "data": {"resultType": "scalar", "result": [0, "1"]}}
TARGETS = {"status": "success", "data": {"activeTargets": [], "droppedTargets": []}}
LOKI_ONLY = {
    "title": "logs",
    "panels": [
        {
            "title": "errors",
            "type": "logs",
            "datasource": {"type": "loki", "uid": "l1"},
            "targets": [{"refId": "A", "expr": '{app="web"} |= "error"'}],
        }
    ],
}


class _Answers(BaseHTTPRequestHandler):
    """Answers every GET by path prefix from ``routes``: (status, content type, body)."""

    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        status, kind, body = next(
            (answer for prefix, answer in self.routes.items() if path.startswith(prefix)),
            (404, "text/plain", b"404 page not found"),
        )
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


def _serve(routes: dict[str, tuple[int, str, bytes]]) -> Iterator[str]:
    handler = type("Handler", (_Answers,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _json_answer(body: object) -> tuple[int, str, bytes]:
    return 200, "application/json", json.dumps(body).encode()


@pytest.fixture
def prometheus_shaped() -> Iterator[str]:
    """Answers a query and the targets list in Prometheus's envelope, nothing else."""
    yield from _serve(
        {"/api/v1/query": _json_answer(ENVELOPE), "/api/v1/targets": _json_answer(TARGETS)}
    )


def _verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, the JSON error of ``--json`` and the last stderr line."""
    code = main(["verify", *argv, "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    document = json.loads(out)
    assert document["ok"] is False
    return code, document["error"], err.splitlines()[-1]


@pytest.mark.parametrize(
    ("route", "answered"),
    [
        ((404, "text/html", b"<html><body>Not Found</body></html>"), "HTTP 404 with an HTML page"),
        ((200, "text/html", b"<!DOCTYPE html><html>Grafana</html>"), "HTTP 200 with an HTML page"),
        (
            (200, "application/json", b'{"hello": "world"}'),
            'HTTP 200 with JSON outside Prometheus\'s envelope {"status": "success", "data": ...}',
        ),
        ((404, "text/plain", b"404 page not found"), "HTTP 404 with '404 page not found'"),
    ],
    ids=["404-html", "200-html", "other-json", "404-text"],
)
def test_a_url_that_is_not_prometheus_is_named_with_what_it_answered(
    route: tuple[int, str, bytes], answered: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for url in _serve({"/": route}):
        code, error, line = _verify(capsys, "--prometheus-url", url)
        expected = f"{url} is not a Prometheus API: GET /api/v1/query?query=1 answered {answered}; "
        assert (code, error, line) == (2, expected + FIX, f"kube-devops: error: {expected}{FIX}")


def test_a_url_that_answers_queries_but_not_the_targets_api(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for url in _serve({"/api/v1/query": _json_answer(ENVELOPE)}):
        code, error, _ = _verify(capsys, "--prometheus-url", url)
        assert (code, error) == (
            2,
            f"{url} is not a Prometheus API: GET /api/v1/targets answered HTTP 404 with "
            f"'404 page not found'; {FIX}",
        )


def test_json_error_when_prometheus_is_down(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    code, error, line = _verify(capsys, "--prometheus-url", url)
    expected = f"Prometheus at {url} is unreachable: Connection refused"
    assert (code, error, line) == (2, expected, f"kube-devops: error: {expected}")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("panels.json", '{"panels": []}', "dashboard '(untitled)' has no panel targets"),
        ("empty.json", "", "no Grafana dashboard found"),
        ("dashes.yaml", "---\n---\n", "no Grafana dashboard found"),
        ("list.json", '{"apiVersion": "v1", "kind": "List", "items": []}', "no Grafana dashboard"),
        ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "no Grafana"),
        ("hidden.json", '{"panels": [{"targets": [{"expr": "up", "hide": true}]}]}', "no panel"),
        ("blank.json", '{"panels": [{"targets": [{"expr": ""}]}]}', "has no panel target to check"),
    ],
)
def test_a_dashboard_with_nothing_to_check_exits_2(
    name: str,
    content: str,
    problem: str,
    tmp_path: Path,
    prometheus_shaped: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    path.write_text(content)
    argv = ["--prometheus-url", prometheus_shaped, "--dashboard", str(path)]
    code, error, _ = _verify(capsys, *argv)
    assert code == 2
    assert error.startswith(f"{path}: ")
    assert problem in error


def test_a_dashboard_of_loki_queries_only_is_not_a_pass(
    tmp_path: Path, prometheus_shaped: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "logs.json"
    path.write_text(json.dumps(LOKI_ONLY))
    argv = ["--prometheus-url", prometheus_shaped, "--dashboard", str(path)]
    code, error, _ = _verify(capsys, *argv)
    assert (code, error) == (
        2,
        f"{path}: nothing to check: none of the 1 panel targets is a Prometheus query (loki; "
        "loki query: not PromQL, listed and not checked); give a dashboard with Prometheus "
        "queries",
    )


def test_a_dashboard_file_that_is_not_utf8(
    tmp_path: Path, prometheus_shaped: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "Caf\xe9", "panels": []}'.encode("latin-1"))
    argv = ["--prometheus-url", prometheus_shaped, "--dashboard", str(path)]
    code, error, _ = _verify(capsys, *argv)
    # "\xe9" is byte 14: '{"title": "Caf' is 14 characters
    assert (code, error) == (
        2,
        f"{path}: not UTF-8 text (byte 0xe9 at offset 14); save the file as UTF-8",
    )
