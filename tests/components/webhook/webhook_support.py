"""Helpers for the webhook component tests: stored reviews, policies, an in-process server."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client import CollectorRegistry

from kube_devops.components.webhook.server import PolicyFeed, WebhookSettings, run_webhook
from kube_devops.core.admission import AdmissionSettings
from kube_devops.runtime.certs import CertRequest, generate
from kube_devops.runtime.settings import ClusterSettings, ServeSettings, TlsSettings
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually


def assert_well_formed(review: Any) -> dict[str, Any]:
    """Check the AdmissionReview response shape exactly; return its ``response``."""
    assert isinstance(review, dict)
    assert set(review) == {"apiVersion", "kind", "response"}
    assert review["apiVersion"] == "admission.k8s.io/v1"
    assert review["kind"] == "AdmissionReview"
    response = review["response"]
    assert set(response) <= {"uid", "allowed", "status", "warnings"}
    assert isinstance(response["uid"], str)
    assert isinstance(response["allowed"], bool)
    if "status" in response:
        assert set(response["status"]) <= {"code", "reason", "message"}
        assert isinstance(response["status"].get("code", 0), int)
        assert isinstance(response["status"].get("message", ""), str)
    if "warnings" in response:
        assert all(isinstance(w, str) for w in response["warnings"])
    result: dict[str, Any] = response
    return result


class TcpProxy:
    """A loopback TCP forwarder; ``cut()`` makes the target unreachable through it (each later
    request's first line is recorded in ``refused`` and its connection closed unanswered), and
    ``close()`` stops listening."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._cut = False
        self.refused: list[str] = []
        self.port = 0

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._cut:
            self.refused.append((await reader.readline()).decode(errors="replace").strip())
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def cut(self) -> None:
        self._cut = True
        self._drop_connections()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        self._drop_connections()

    def _drop_connections(self) -> None:
        for writer in self._writers:
            writer.close()
        self._writers.clear()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


@dataclass
class RunningWebhook:
    """A webhook server started by :func:`running_webhook`."""

    port: int
    ca_file: Path
    task: asyncio.Task[int]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_certs(directory: Path) -> Path:
    """A CA and a server certificate for 127.0.0.1 in ``directory``; returns ca.crt."""
    generate(CertRequest(output_dir=directory, ip_sans=("127.0.0.1",), dns_sans=("localhost",)))
    return directory / "ca.crt"


@contextlib.asynccontextmanager
async def running_webhook(
    tmp: Path,
    *,
    cluster: ClusterSettings | None = None,
    feed: PolicyFeed | None = None,
    admission: AdmissionSettings | None = None,
    registry: CollectorRegistry | None = None,
) -> AsyncIterator[RunningWebhook]:
    """Serve the webhook over HTTPS on an ephemeral loopback port until the block ends."""
    ca_file = make_certs(tmp)
    settings = WebhookSettings(
        serve=ServeSettings(
            "127.0.0.1",
            0,
            tls=TlsSettings(tmp / "tls.crt", tmp / "tls.key", check_interval=0.1),
            shutdown_timeout=1.0,
        ),
        admission=admission or AdmissionSettings(),
        cluster=cluster or ClusterSettings(),
        registry=registry or CollectorRegistry(),
    )
    stop = asyncio.Event()
    bound: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        run_webhook(settings, feed=feed, stop=stop, on_listening=bound.set_result)
    )
    port = await asyncio.wait_for(asyncio.shield(bound), 10)
    try:
        yield RunningWebhook(port, ca_file, task)
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0


async def wait_ready(session: aiohttp.ClientSession, hook: RunningWebhook) -> None:
    """Poll ``/readyz`` until 200 (at most 10 s)."""

    async def ready() -> bool:
        async with session.get(f"{hook.url}/readyz", ssl=hook.client_context()) as resp:
            return resp.status == 200

    await eventually(ready, 10, "webhook ready")


@contextlib.asynccontextmanager
async def emulated_webhook(
    emulator: KubeEmulator, tmp: Path, registry: CollectorRegistry | None = None
) -> AsyncIterator[tuple[RunningWebhook, aiohttp.ClientSession]]:
    """The webhook fed by ``emulator``, ready, with a client session.

    On exit the emulator's watch connections are cut while this event loop still runs, and the
    adapter's reader threads started here are awaited, so they end now rather than after the
    loop is closed.
    """
    cluster = ClusterSettings(kubeconfig=str(emulator.kubeconfig))
    before = _watch_readers()
    try:
        async with (
            running_webhook(tmp, cluster=cluster, registry=registry) as hook,
            aiohttp.ClientSession() as session,
        ):
            await wait_ready(session, hook)
            yield hook, session
    finally:
        emulator.thread.drop_watches()
        await eventually(lambda: not _watch_readers() - before, 5, "watch reader threads ended")


def _watch_readers() -> set[threading.Thread]:
    """The adapter's live watch reader threads (named ``watch <path>``)."""
    return {t for t in threading.enumerate() if t.name.startswith("watch /") and t.is_alive()}
