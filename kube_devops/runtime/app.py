"""The HTTP app every component serves: probes, metrics and component-specific routes.

Public API:

- ``create_app(registry, ready, routes=()) -> aiohttp.web.Application``:
  ``GET /healthz`` 200 ``ok`` while the process is alive; ``GET /readyz`` 200 ``ready`` when
  ``ready()`` is true, else 503 ``not ready``; ``GET /metrics`` the 0.0.4 text exposition of
  ``registry``; any other path 404. ``routes`` adds component routes, e.g.
  ``[web.post("/validate", handler)]`` for the webhook.
- ``Readiness`` — the type of the readiness callable (``() -> bool``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

Readiness = Callable[[], bool]

_REGISTRY: web.AppKey[CollectorRegistry] = web.AppKey("registry", CollectorRegistry)
_READY: web.AppKey[Readiness] = web.AppKey("ready", Callable[[], bool])  # type: ignore[arg-type]


async def _healthz(_request: web.Request) -> web.Response:
    return web.Response(text="ok\n")


async def _readyz(request: web.Request) -> web.Response:
    if request.app[_READY]():
        return web.Response(text="ready\n")
    return web.Response(text="not ready\n", status=503)


async def _metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[_REGISTRY])
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})


def create_app(
    registry: CollectorRegistry,
    ready: Readiness,
    routes: Iterable[web.AbstractRouteDef] = (),
) -> web.Application:
    """The component's aiohttp application (see the module docstring for the routes)."""
    app = web.Application()
    app[_REGISTRY] = registry
    app[_READY] = ready
    app.add_routes(
        [
            web.get("/healthz", _healthz, allow_head=False),
            web.get("/readyz", _readyz, allow_head=False),
            web.get("/metrics", _metrics, allow_head=False),
            *routes,
        ]
    )
    return app
