"""Run a component: its HTTP app plus background tasks, until SIGTERM/SIGINT or a task fails.

Public API:

- ``ServeSettings`` (from ``runtime.settings``) — host, port (0 = ephemeral), ``tls``,
  ``shutdown_timeout``.
- ``BackgroundTask`` — ``() -> Coroutine``; each is started once the server listens.
- ``serve(app, settings, tasks=(), *, ssl_context=None, stop=None, on_listening=None) -> int`` —
  the exit code (HTTPS when ``ssl_context`` is given).
  It binds (a bind failure is logged and returns 1 at once), logs ``listening`` with the real
  port and calls ``on_listening(port)``, starts the tasks, then waits for SIGTERM/SIGINT, for
  ``stop`` (an ``asyncio.Event``) or for a task to raise. Shutdown stops accepting connections,
  lets in-flight requests finish and cancels the tasks (so their ``finally`` blocks run, e.g. a
  leader releasing its Lease), all within ``shutdown_timeout``. Returns 0 on a signal or ``stop``,
  1 when a task failed.

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

from kube_devops.runtime.settings import ServeSettings

log = logging.getLogger(__name__)

#: Seconds between closing the listener and draining: connections already accepted get to send
#: their request instead of being reset as idle.
_SETTLE = 0.25

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
    runner = web.AppRunner(app, shutdown_timeout=settings.shutdown_timeout, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, ssl_context=ssl_context)
    try:
        await site.start()
    except OSError as err:
        log.error(
            "cannot listen: %s; free the port or choose another with --port",
            err,
            extra={"host": settings.host, "port": settings.port},
        )
        await runner.cleanup()
        return 1
    port = _bound_port(runner, settings.port)
    scheme = "https" if ssl_context else "http"
    log.info("listening", extra={"host": settings.host, "port": port, "scheme": scheme})
    if on_listening is not None:
        on_listening(port)
    with _signals(stop):
        running = [asyncio.create_task(factory()) for factory in tasks]
        code = await _wait(stop, running)
        log.info("shutting down", extra={"exit_code": code})
        await _shutdown(runner, running, settings.shutdown_timeout)
    return code


def _bound_port(runner: web.AppRunner, wanted: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return wanted


async def _wait(stop: asyncio.Event, running: list[asyncio.Task[None]]) -> int:
    stopper = asyncio.create_task(stop.wait())
    pending: set[asyncio.Task[Any]] = {stopper, *running}
    try:
        while True:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is stopper:
                    return 0
                if not task.cancelled() and task.exception() is not None:
                    log.error("background task failed", exc_info=task.exception())
                    return 1
    finally:
        stopper.cancel()


async def _shutdown(runner: web.AppRunner, running: list[asyncio.Task[None]], grace: float) -> None:
    for task in running:
        task.cancel()
    cleanup = asyncio.gather(_close_http(runner), *running, return_exceptions=True)
    try:
        results = await asyncio.wait_for(cleanup, grace + 0.5)
    except TimeoutError:
        log.error("shutdown took longer than %.1f s; exiting anyway", grace)
        return
    for result in results:
        if isinstance(result, Exception):
            log.error("error during shutdown", exc_info=result)


async def _close_http(runner: web.AppRunner) -> None:
    """Stop listening, give connections accepted a moment to send their request, then drain."""
    for site in list(runner.sites):
        await site.stop()
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
