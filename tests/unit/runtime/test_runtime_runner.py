"""The runner binds, runs tasks, and shuts down gracefully on a stop request."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
from aiohttp import web
from prometheus_client import CollectorRegistry

from kube_devops.runtime.app import create_app
from kube_devops.runtime.runner import ServeSettings, serve


async def test_in_flight_request_finishes_and_tasks_are_cancelled() -> None:
    entered = asyncio.Event()
    cleaned: list[str] = []

    async def slow(_request: web.Request) -> web.Response:
        entered.set()
        await asyncio.sleep(0.5)  # a slow handler: still running when the server is stopped
        return web.Response(text="done")

    async def worker() -> None:
        try:
            await asyncio.sleep(3600)  # a worker that runs until cancelled
        finally:
            cleaned.append("worker")

    app = create_app(CollectorRegistry(), lambda: True, [web.get("/slow", slow)])
    stop = asyncio.Event()
    ports: list[int] = []
    listening = asyncio.Event()

    def on_listening(port: int) -> None:
        ports.append(port)
        listening.set()

    server = asyncio.create_task(
        serve(app, ServeSettings("127.0.0.1", 0), [worker], stop=stop, on_listening=on_listening)
    )
    await listening.wait()
    async with aiohttp.ClientSession() as http:
        request = asyncio.create_task(http.get(f"http://127.0.0.1:{ports[0]}/slow"))
        await entered.wait()
        started = time.monotonic()
        stop.set()
        response = await request
        assert response.status == 200
        assert await response.text() == "done"
    assert await server == 0
    assert time.monotonic() - started < 2.0
    assert cleaned == ["worker"]


async def test_failing_task_exits_with_1() -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    app = create_app(CollectorRegistry(), lambda: True)
    code = await asyncio.wait_for(serve(app, ServeSettings("127.0.0.1", 0), [broken]), 5)
    assert code == 1


async def test_port_in_use_exits_with_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = create_app(CollectorRegistry(), lambda: True)
        assert await serve(app, ServeSettings("127.0.0.1", port)) == 1
