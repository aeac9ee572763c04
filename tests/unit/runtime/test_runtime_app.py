"""Probes, metrics and extra routes of the shared app, over a real loopback socket."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry, Gauge

from kube_devops.runtime.app import create_app


async def _echo(_request: web.Request) -> web.Response:
    return web.json_response({"echo": True})


async def test_probes_metrics_and_404() -> None:
    registry = CollectorRegistry()
    Gauge("cluster_health_score", "help", registry=registry).set(87)
    state = {"ready": False}
    app = create_app(registry, lambda: state["ready"], [web.post("/validate", _echo)])
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as http:
        assert (await http.get("/healthz")).status == 200
        assert (await http.get("/readyz")).status == 503
        state["ready"] = True
        assert (await http.get("/readyz")).status == 200
        metrics = await http.get("/metrics")
        assert metrics.status == 200
        assert metrics.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert "cluster_health_score 87.0" in await metrics.text()
        assert (await http.get("/nope")).status == 404
        assert await (await http.post("/validate")).json() == {"echo": True}
