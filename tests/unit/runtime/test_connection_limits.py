"""Deadlines and the connection cap of ``serve``, over real loopback sockets with short timeouts.

Each client reads until the server closes its connection; ``closed`` tells whether that happened
before the client gave up (well after the deadline) and what the server sent first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import AsyncIterator, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from kube_devops.runtime.app import create_app
from kube_devops.runtime.certs import CertRequest, generate
from kube_devops.runtime.connections import Connections
from kube_devops.runtime.runner import ServeSettings, serve
from kube_devops.runtime.tls import server_context

SHORT = ServeSettings(
    "127.0.0.1",
    0,
    shutdown_timeout=1.0,
    handshake_timeout=0.5,
    header_timeout=0.5,
    body_timeout=0.5,
    idle_timeout=0.8,
)
GET = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
POST_HEAD = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
#: Seconds a client waits for the server to close: far beyond every deadline above.
GIVE_UP = 5.0


async def _echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read())


@contextlib.asynccontextmanager
async def _serving(
    settings: ServeSettings = SHORT, context: ssl.SSLContext | None = None
) -> AsyncIterator[int]:
    app = create_app(CollectorRegistry(), lambda: True, [web.post("/echo", _echo)])
    stop = asyncio.Event()
    port: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve(app, settings, ssl_context=context, stop=stop, on_listening=port.set_result)
    )
    try:
        yield await asyncio.wait_for(port, 5)
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0


async def _closed(
    reader: asyncio.StreamReader, while_sending: Coroutine[Any, Any, None] | None = None
) -> tuple[bool, bytes, float]:
    """(closed by the server before ``GIVE_UP``, bytes received, seconds waited); the client
    runs ``while_sending`` meanwhile (stopped once the server closes)."""
    sender = asyncio.create_task(while_sending) if while_sending is not None else None
    try:
        return await _read_until_closed(reader)
    finally:
        if sender is not None:
            sender.cancel()


async def _read_until_closed(reader: asyncio.StreamReader) -> tuple[bool, bytes, float]:
    start = time.monotonic()
    received = b""
    try:
        async with asyncio.timeout(GIVE_UP):
            while chunk := await reader.read(65536):
                received += chunk
    except TimeoutError:
        return False, received, time.monotonic() - start
    except ConnectionError:
        pass
    return True, received, time.monotonic() - start


async def test_a_client_that_sends_nothing_is_closed_after_the_header_timeout() -> None:
    async with _serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        closed, received, waited = await _closed(reader)
        writer.close()

    assert closed
    assert received == b""
    assert waited < 3.0


async def test_headers_sent_one_byte_at_a_time_are_cut_off() -> None:
    async with _serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)

        async def trickle() -> None:
            for byte in GET:  # 35 bytes at 10 a second: 3.5 s, beyond the 0.5 s header timeout
                writer.write(bytes([byte]))
                await asyncio.sleep(0.1)

        closed, received, waited = await _closed(reader, while_sending=trickle())
        writer.close()

    assert closed
    assert received == b""
    assert waited < 3.0


async def test_a_body_sent_one_byte_at_a_time_is_cut_off() -> None:
    async with _serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(POST_HEAD)

        async def trickle() -> None:
            for _ in range(10):  # 10 bytes at 5 a second: 2 s, beyond the 0.5 s body timeout
                await asyncio.sleep(0.2)
                writer.write(b"x")

        closed, received, waited = await _closed(reader, while_sending=trickle())
        writer.close()

    assert closed
    assert received == b""
    assert waited < 3.0


async def test_a_kept_alive_connection_is_answered_then_closed_when_idle() -> None:
    async with _serving() as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(POST_HEAD + b"0123456789")
        closed, received, waited = await _closed(reader)
        writer.close()

    assert closed
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert received.endswith(b"\r\n\r\n0123456789")
    assert 0.5 < waited < 3.0  # the idle timeout is 0.8 s


async def test_the_header_timeout_starts_again_at_the_first_byte_after_an_idle_period() -> None:
    async with _serving(replace(SHORT, idle_timeout=30)) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        answers = []
        for _ in range(2):  # idle beyond the header timeout between the two: still served
            writer.write(GET)
            answers.append(await asyncio.wait_for(reader.readuntil(b"ok\n"), 2))
            await asyncio.sleep(0.7)
        writer.write(GET[:5])  # the next request starts and stalls
        closed, received, waited = await _closed(reader)
        writer.close()

    assert [a.startswith(b"HTTP/1.1 200 OK\r\n") for a in answers] == [True, True]
    assert closed
    assert received == b""
    assert waited < 3.0


async def test_over_the_cap_the_longest_waiting_connection_makes_room() -> None:
    async with _serving(
        replace(SHORT, header_timeout=30, idle_timeout=30, max_connections=2)
    ) as port:
        first_reader, first = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.sleep(0.1)
        _second_reader, second = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.sleep(0.1)
        third_reader, third = await asyncio.open_connection("127.0.0.1", port)
        third.write(GET)
        answer = await asyncio.wait_for(third_reader.readuntil(b"ok\n"), 2)
        first_closed, _, _ = await _closed(first_reader)
        second_open = not second.transport.is_closing() and not _second_reader.at_eof()
        for writer in (first, second, third):
            writer.close()

    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert first_closed
    assert second_open


async def test_over_the_cap_a_silent_connection_goes_before_a_kept_alive_one() -> None:
    async with _serving(
        replace(SHORT, header_timeout=30, idle_timeout=30, max_connections=2)
    ) as port:
        kept_reader, kept = await asyncio.open_connection("127.0.0.1", port)
        kept.write(GET)
        await asyncio.wait_for(kept_reader.readuntil(b"ok\n"), 2)
        silent_reader, silent = await asyncio.open_connection("127.0.0.1", port)  # newer
        await asyncio.sleep(0.1)
        _new_reader, new = await asyncio.open_connection("127.0.0.1", port)
        silent_closed, _, _ = await _closed(silent_reader)
        kept.write(GET)
        again = await asyncio.wait_for(kept_reader.readuntil(b"ok\n"), 2)
        for writer in (kept, silent, new):
            writer.close()

    assert silent_closed
    assert again.startswith(b"HTTP/1.1 200 OK\r\n")


async def test_over_the_cap_with_every_connection_busy_the_new_one_is_closed() -> None:
    settings = replace(SHORT, body_timeout=30, max_connections=1)
    async with _serving(settings) as port:
        _busy_reader, busy = await asyncio.open_connection("127.0.0.1", port)
        busy.write(POST_HEAD + b"01234")  # half the body: its request is in progress
        await asyncio.sleep(0.2)
        new_reader, new = await asyncio.open_connection("127.0.0.1", port)
        new.write(GET)
        new_closed, received, _ = await _closed(new_reader)
        busy.write(b"56789")
        busy_answer = await asyncio.wait_for(_busy_reader.readuntil(b"0123456789"), 2)
        for writer in (busy, new):
            writer.close()

    assert new_closed
    assert received == b""
    assert busy_answer.startswith(b"HTTP/1.1 200 OK\r\n")


async def test_a_tls_client_that_never_completes_the_handshake_is_closed(tmp_path: Path) -> None:
    generate(CertRequest(output_dir=tmp_path, ip_sans=("127.0.0.1",)))
    context = server_context(tmp_path / "tls.crt", tmp_path / "tls.key")
    async with _serving(replace(SHORT, header_timeout=30), context) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)  # plain TCP, no hello
        closed, received, waited = await _closed(reader)
        writer.close()

    assert closed
    assert received == b""
    assert waited < 3.0


async def test_closes_for_late_clients_and_the_cap_are_one_warning_line_with_counts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    connections = Connections(
        replace(SHORT, header_timeout=0.2, max_connections=2), report_every=1.5
    )
    loop = asyncio.get_running_loop()
    server = await loop.create_server(connections.factory(asyncio.Protocol), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    clients = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
    await asyncio.sleep(0.1)
    open_at_the_cap = connections.open
    closed = [await _closed(reader) for reader, _writer in clients]
    await asyncio.sleep(1.6)  # the report comes 1.5 s after the first close
    server.close()
    for _reader, writer in clients:
        writer.close()

    reports = [r for r in caplog.records if r.name == "kube_devops.runtime.connections"]
    assert open_at_the_cap == 2
    assert [c[0] for c in closed] == [True, True, True]
    assert [(r.levelno, r.getMessage()) for r in reports] == [
        (logging.WARNING, "closed connections: 1 evicted, 2 header_timeout")
    ]


async def test_the_end_of_a_wave_of_closes_gives_memory_back_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trims: list[float] = []
    monkeypatch.setattr(
        "kube_devops.runtime.connections.release_free_memory", lambda: trims.append(1.0)
    )
    connections = Connections(SHORT, trim_after=64)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(connections.factory(asyncio.Protocol), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    clients = [await asyncio.open_connection("127.0.0.1", port) for _ in range(20)]
    await asyncio.sleep(0.1)
    opened = connections.open
    for _reader, writer in clients:
        writer.close()
    await asyncio.sleep(1.3)  # the trim runs 1 s after the close that made it due
    server.close()

    # 20 closes: fewer than trim_after, but more than an eighth of it, leaving none open
    assert (opened, connections.open, trims) == (20, 0, [1.0])
