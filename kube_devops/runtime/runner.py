"""Run a component: its HTTP app plus background tasks, until SIGTERM/SIGINT or a task fails.

Public API:

- ``ServeSettings`` (from ``runtime.settings``) — host, port (0 = ephemeral), ``tls``,
  ``shutdown_timeout``, and the connection limits: TLS handshake, header, body and idle
  timeouts and ``max_connections`` (enforced by ``runtime.connections``).
- ``BackgroundTask`` — ``() -> Coroutine``; each is started once the server listens.
- ``serve(app, settings, tasks=(), *, ssl_context=None, stop=None, on_listening=None) -> int`` —
  the exit code (HTTPS when ``ssl_context`` is given).
  It binds (a bind failure is logged and returns 1 at once), logs ``listening`` with the real
  port and calls ``on_listening(port)``, starts the tasks, then waits for SIGTERM/SIGINT, for
  ``stop`` (an ``asyncio.Event``) or for a task to raise. Shutdown stops accepting connections,
  lets in-flight requests finish and cancels the tasks (so their ``finally`` blocks run, e.g. a
  leader releasing its Lease), all within ``shutdown_timeout``. Returns 0 on a signal or ``stop``,
  1 when a task failed. aiohttp's protocol errors (malformed requests, clients gone) are logged
  as one warning line each (``runtime.protocol_log``).

Components do not call it directly: ``runtime.component.run_component`` assembles the app and
tasks and serves them through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from aiohttp import web

from kube_devops.kube.errors import FatalError
from kube_devops.runtime.connections import Connections
from kube_devops.runtime.protocol_log import PROTOCOL_LOG
from kube_devops.runtime.settings import ServeSettings
from kube_devops.runtime.thirdparty import shrink_tls_read_buffers

log = logging.getLogger(__name__)

#: Seconds between closing the listener and draining: connections already accepted get to send
#: their request instead of being reset as idle.
_SETTLE = 0.25

#: Connections waiting to be accepted (aiohttp's default).
_BACKLOG = 128

BackgroundTask = Callable[[], Coroutine[Any, Any, None]]

__all__ = ["BackgroundTask", "ServeSettings", "serve"]


async def serve(
    app: web.Application,
    settings: ServeSettings,
    tasks: Sequence[BackgroundTask] = (),
    *,
    ssl_context: ssl.SSLContext | None = None,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> int:
    """Serve ``app`` and run ``tasks`` until stopped; returns the process exit code."""
    stop = stop if stop is not None else asyncio.Event()
    connections = Connections(settings)
    app.middlewares.append(connections.middleware)
    runner = web.AppRunner(
        app, shutdown_timeout=settings.shutdown_timeout, access_log=None, logger=PROTOCOL_LOG
    )
    await runner.setup()
    try:
        listener = await _listen(runner, connections, settings, ssl_context)
    except OSError as err:
        log.error(
            "cannot listen: %s; free the port or choose another with --port",
            err,
            extra={"host": settings.host, "port": settings.port},
        )
        await runner.cleanup()
        return 1
    port = int(listener.sockets[0].getsockname()[1])
    scheme = "https" if ssl_context else "http"
    log.info("listening", extra={"host": settings.host, "port": port, "scheme": scheme})
    if on_listening is not None:
        on_listening(port)
    with _signals(stop):
        running = [asyncio.create_task(factory()) for factory in tasks]
        code = await _wait(stop, running)
        log.info("shutting down", extra={"exit_code": code})
        await _shutdown(runner, listener, running, settings.shutdown_timeout)
    return code


async def _listen(
    runner: web.AppRunner,
    connections: Connections,
    settings: ServeSettings,
    ssl_context: ssl.SSLContext | None,
) -> asyncio.Server:
    """Listen with every accepted connection guarded (and the TLS handshake bounded)."""
    assert runner.server is not None  # set up
    if ssl_context is not None:
        shrink_tls_read_buffers()
    return await asyncio.get_running_loop().create_server(
        connections.factory(runner.server),
        settings.host,
        settings.port,
        ssl=ssl_context,
        ssl_handshake_timeout=settings.handshake_timeout if ssl_context else None,
        backlog=_BACKLOG,
    )


async def _wait(stop: asyncio.Event, running: list[asyncio.Task[None]]) -> int:
    stopper = asyncio.create_task(stop.wait())
    pending: set[asyncio.Task[Any]] = {stopper, *running}
    try:
        while True:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is stopper:
                    return 0
                if not task.cancelled() and (error := task.exception()) is not None:
                    if not isinstance(error, FatalError):  # a FatalError was logged already
                        log.error("background task failed", exc_info=error)
                    return 1
    finally:
        stopper.cancel()


async def _shutdown(
    runner: web.AppRunner, listener: asyncio.Server, running: list[asyncio.Task[None]], grace: float
) -> None:
    running = [task for task in running if not task.done()]  # a failed one was reported
    for task in running:
        task.cancel()
    cleanup = asyncio.gather(_close_http(runner, listener), *running, return_exceptions=True)
    try:
        results = await asyncio.wait_for(cleanup, grace + 0.5)
    except TimeoutError:
        log.error("shutdown took longer than %.1f s; exiting anyway", grace)
        return
    for result in results:
        if isinstance(result, Exception):
            log.error("error during shutdown", exc_info=result)


async def _close_http(runner: web.AppRunner, listener: asyncio.Server) -> None:
    """Stop listening, give connections accepted a moment to send their request, then drain."""
    listener.close()
    await asyncio.sleep(_SETTLE)
    await runner.cleanup()


@contextlib.contextmanager
def _signals(stop: asyncio.Event) -> Any:
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, _on_signal, stop, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (e.g. tests): rely on ``stop`` only
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _on_signal(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info("signal received", extra={"signal": sig.name})
    stop.set()
