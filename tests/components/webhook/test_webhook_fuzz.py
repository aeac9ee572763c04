"""Every body gets HTTP 200 and a well-formed allowing AdmissionReview, uid echoed.

More than 10,000 generated bodies (invalid JSON, binary, wrong types, missing and null fields,
deep nesting, mutated real reviews) against one in-process server with keep-alive. The cache
holds audit policies for the namespace the generated pods use, so the whole verdict path runs
and every correct answer allows. No error may be logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from kube_devops.components.webhook.cache import PolicyCache
from kube_devops.components.webhook.server import WebhookSettings, build_app
from tests.components.webhook.webhook_support import assert_well_formed
from tests.support.admission_data import policy_objects, review_body

FUZZ = settings(
    max_examples=2600,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
maybe = st.one_of(json_values, st.just(None))
container = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.text(max_size=10), json_values),
        "image": st.one_of(st.sampled_from(["nginx", "nginx:1.25", "a@sha256:" + "0" * 64]), maybe),
        "livenessProbe": maybe,
        "readinessProbe": maybe,
        "restartPolicy": st.one_of(st.just("Always"), maybe),
    },
)
pod = st.fixed_dictionaries(
    {},
    optional={
        "metadata": st.one_of(st.fixed_dictionaries({"namespace": st.just("team-a")}), maybe),
        "spec": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "containers": st.one_of(st.lists(st.one_of(container, maybe)), maybe),
                    "initContainers": st.one_of(st.lists(container, max_size=3), maybe),
                    "ephemeralContainers": st.one_of(st.lists(container, max_size=2), maybe),
                },
            ),
            maybe,
        ),
    },
)
request = st.fixed_dictionaries(
    {},
    optional={
        "uid": st.one_of(st.text(), json_values),
        "operation": st.one_of(st.sampled_from(["CREATE", "UPDATE", "DELETE", "CONNECT"]), maybe),
        "kind": st.one_of(st.just({"group": "", "version": "v1", "kind": "Pod"}), maybe),
        "namespace": st.one_of(st.just("team-a"), maybe),
        "subResource": st.one_of(st.sampled_from(["status", "ephemeralcontainers"]), maybe),
        "object": st.one_of(pod, maybe),
        "oldObject": st.one_of(pod, maybe),
        "dryRun": maybe,
    },
)
reviews = st.fixed_dictionaries(
    {
        "apiVersion": st.one_of(st.just("admission.k8s.io/v1"), maybe),
        "kind": st.one_of(st.just("AdmissionReview"), maybe),
    },
    optional={"request": st.one_of(request, maybe)},
)


def _uid_sent(doc: Any) -> str:
    request = doc.get("request") if isinstance(doc, dict) else None
    uid = request.get("uid") if isinstance(request, dict) else None
    return uid if isinstance(uid, str) else ""


class _Server:
    """One in-process server (keep-alive client) shared by all examples of a test."""

    def __init__(self) -> None:
        cache = PolicyCache()
        objs = policy_objects()
        cache.resync([objs["audit-all"], objs["runtime-only"]])
        app = build_app(cache, WebhookSettings(), CollectorRegistry())
        self.loop = asyncio.new_event_loop()
        self.client = TestClient(TestServer(app), loop=self.loop)
        self.loop.run_until_complete(self.client.start_server())
        self.count = 0

    def post(self, body: bytes) -> dict[str, Any]:
        async def call() -> tuple[int, Any]:
            resp = await self.client.post("/validate", data=body)
            return resp.status, await resp.json()

        status, review = self.loop.run_until_complete(call())
        assert status == 200
        self.count += 1
        return assert_well_formed(review)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.close())
        self.loop.close()


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    srv = _Server()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def _no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


def test_binary_bodies(server: _Server) -> None:
    @FUZZ
    @given(st.binary(max_size=512))
    def check(body: bytes) -> None:
        response = server.post(body)
        assert response["allowed"] is True

    check()


def test_arbitrary_json(server: _Server) -> None:
    @FUZZ
    @given(json_values)
    def check(doc: Any) -> None:
        response = server.post(json.dumps(doc).encode())
        assert response["allowed"] is True
        assert response["uid"] == _uid_sent(doc)

    check()


def test_review_shaped_bodies(server: _Server) -> None:
    @FUZZ
    @given(reviews)
    def check(doc: Any) -> None:
        response = server.post(json.dumps(doc).encode())
        assert response["allowed"] is True
        assert response["uid"] == _uid_sent(doc)

    check()


REAL = json.dumps(review_body("create-noncompliant")).encode()


def test_cut_and_corrupted_real_reviews_and_deep_nesting(server: _Server) -> None:
    @FUZZ
    @given(
        st.integers(0, len(REAL)),
        st.binary(max_size=8),
        st.integers(1, 50_000),
        st.booleans(),
    )
    def check(cut: int, junk: bytes, depth: int, deep: bool) -> None:
        if deep:
            body = b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":'
            body += b"[" * depth + b"]" * depth + b"}"
        else:
            body = REAL[:cut] + junk + REAL[cut + len(junk) :]
        response = server.post(body)
        assert response["allowed"] is True

    check()


def test_at_least_ten_thousand_bodies_were_sent(server: _Server) -> None:
    assert server.count >= 10_000
