"""SIGTERM while the API server accepts connections but never answers: exit 0 within 5 s.

The "API server" is a TCP listener on an ephemeral loopback port that accepts every connection
and never sends a byte. Each component runs as a real process against it (its kubeconfig points
there), with leader election where it has one, so it has lists, watches and Lease reads hanging
when the signal comes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube_devops.sandbox.emulator.thread import write_kubeconfig
from tests.components.webhook.webhook_support import make_certs
from tests.support.processes import Component
from tests.support.waiting import wait_until

EXIT_WITHIN = 5.0
"""Seconds from SIGTERM to the exit the components promise, whatever the API does."""


class SilentServer:
    """Accepts TCP connections on loopback and holds them open without answering."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_kubeconfig(tmp_path: Path) -> Iterator[tuple[Path, SilentServer]]:
    server = SilentServer()
    try:
        yield write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{server.port}"), server
    finally:
        server.close()


def _args(component: str, kubeconfig: Path, tmp_path: Path) -> list[str]:
    common = ["--kubeconfig", str(kubeconfig), "--log-level", "INFO"]
    if component == "webhook":
        make_certs(tmp_path)
        tls = ["--tls-cert", str(tmp_path / "tls.crt"), "--tls-key", str(tmp_path / "tls.key")]
        return ["webhook", "serve", "--addr", "127.0.0.1:0", *tls, *common]
    return [component, "--host", "127.0.0.1", "--port", "0", "--identity", "silent", *common]


@pytest.mark.parametrize("component", ["watch", "reconcile", "webhook"])
def test_sigterm_exits_0_within_5_s_while_the_api_never_answers(
    component: str, silent_kubeconfig: tuple[Path, SilentServer], tmp_path: Path
) -> None:
    kubeconfig, server = silent_kubeconfig
    process = Component(_args(component, kubeconfig, tmp_path))
    try:
        assert process.port > 0
        wait_until(lambda: len(server.accepted) > 0, 10, "a connection to the silent API")
        time.sleep(1.0)  # the component's requests are now waiting on the silent API
        began = time.monotonic()
        code = process.stop(within=30)
        took = time.monotonic() - began
        assert code == 0, "\n".join(process.raw[-20:])
        assert took < EXIT_WITHIN, f"exit took {took:.1f} s after SIGTERM"
    finally:
        process.close()
