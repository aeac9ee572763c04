"""``/validate`` when it cannot judge, over HTTP: the fail-closed codes (400 malformed, 503 no
cache, 500 internal error), fail-open warnings, and how a 413 is counted."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Sequence

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry

from kube_devops.components.webhook.handler import PolicyLookup, ValidateHandler
from kube_devops.components.webhook.metrics import WebhookMetrics
from kube_devops.core.admission import AdmissionSettings
from kube_devops.core.policy import Policy
from tests.support.admission_data import review_body

LIMIT = 100_000


def _no_cache(_namespace: str) -> Sequence[Policy] | None:
    return None


def _broken(_namespace: str) -> Sequence[Policy] | None:
    raise KeyError("cache corrupted")


@contextlib.asynccontextmanager
async def _client(
    lookup: PolicyLookup, fail_closed: bool, registry: CollectorRegistry
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    metrics = WebhookMetrics.build(registry)
    settings = AdmissionSettings(fail_closed=fail_closed)
    handler = ValidateHandler(lookup, settings, metrics, body_limit=LIMIT)
    app = web.Application()
    app.router.add_post("/validate", handler.handle)
    async with TestClient(TestServer(app)) as client:
        yield client


def _count(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize(
    ("lookup", "body", "code", "reason", "why"),
    [
        (_no_cache, "review", 503, "ServiceUnavailable", "policy cache not synced"),
        (_broken, "review", 500, "InternalError", "internal error KeyError"),
        (
            _no_cache,
            "not json",
            400,
            "BadRequest",
            "malformed AdmissionReview: body is not valid JSON: JSONDecodeError",
        ),
    ],
)
@pytest.mark.parametrize("fail_closed", [True, False])
async def test_cannot_judge(
    lookup: PolicyLookup, body: str, code: int, reason: str, why: str, fail_closed: bool
) -> None:
    registry = CollectorRegistry()
    review = review_body("create-noncompliant")
    data = json.dumps(review) if body == "review" else "{not json"
    async with (
        _client(lookup, fail_closed, registry) as client,
        client.post("/validate", data=data) as resp,
    ):
        assert resp.status == 200
        answer = (await resp.json())["response"]
    uid = review["request"]["uid"] if body == "review" else ""
    operation = "CREATE" if body == "review" else "UNKNOWN"
    if fail_closed:
        assert answer == {
            "uid": uid,
            "allowed": False,
            "status": {
                "code": code,
                "reason": reason,
                "message": f"kube-devops webhook cannot judge: {why}",
            },
        }
    else:
        assert answer == {
            "uid": uid,
            "allowed": True,
            "warnings": [f"kube-devops webhook allowed without checks: {why}"],
        }
    allowed = "false" if fail_closed else "true"
    assert _count(registry, "webhook_requests_total", operation=operation, allowed=allowed) == 1
    assert _count(registry, "webhook_request_duration_seconds_count") == 1


@pytest.mark.parametrize(("fail_closed", "allowed"), [(False, "true"), (True, "false")])
async def test_413_is_counted_as_the_api_server_will_treat_it(
    fail_closed: bool, allowed: str
) -> None:
    # the API server applies failurePolicy to a 413: Ignore allows, Fail denies
    registry = CollectorRegistry()
    statuses = []
    async with _client(_no_cache, fail_closed, registry) as client:
        for size in (LIMIT + 1, LIMIT):  # above the limit: 413; at it: judged (malformed)
            async with client.post("/validate", data=b"x" * size) as resp:
                await resp.read()
                statuses.append(resp.status)
    assert statuses == [413, 200]
    assert _count(registry, "webhook_requests_total", operation="UNKNOWN", allowed=allowed) == 2
    assert _count(registry, "webhook_denials_total", namespace="", violation="") == 0
    assert _count(registry, "webhook_request_duration_seconds_count") == 2
