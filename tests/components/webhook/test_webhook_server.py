"""The running webhook over real HTTPS, policies served by the emulator through list+watch."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client import CollectorRegistry

from kube_devops.runtime.settings import ClusterSettings
from kube_devops.sandbox.emulator import write_kubeconfig
from tests.components.webhook.webhook_support import (
    RunningWebhook,
    TcpProxy,
    assert_well_formed,
    emulated_webhook,
    running_webhook,
    wait_ready,
)
from tests.support.admission_data import policy_objects, review_body
from tests.support.emulator import KubeEmulator
from tests.support.waiting import eventually

POLICIES = "devops.stochastic.io/v1/devopspolicies"

#: (review file, allowed, status code, warnings) with only ``enforce-all`` in team-a; the same
#: verdicts as tests/unit/admission/data/cases.json states for that policy.
ENFORCE_ALL = [
    ("create-compliant", True, None, 0),
    ("create-noncompliant", False, 403, 3),
    ("create-noncompliant-dryrun", False, 403, 3),
    ("update-labels-only", True, None, 5),
    ("update-new-latest", False, 403, 0),
    ("update-status-subresource", True, None, 0),
    ("update-ephemeral-containers", True, None, 0),
    ("delete-noncompliant", True, None, 0),
    ("connect-exec", True, None, 0),
    ("create-deployment", True, None, 0),
]


async def _validate(
    session: aiohttp.ClientSession, hook: RunningWebhook, body: dict[str, Any] | bytes
) -> dict[str, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with session.post(f"{hook.url}/validate", data=data, ssl=hook.client_context()) as resp:
        assert resp.status == 200
        return assert_well_formed(await resp.json())


async def _until_warnings(
    session: aiohttp.ClientSession, hook: RunningWebhook, name: str, count: int
) -> dict[str, Any]:
    async def answered() -> dict[str, Any] | None:
        response = await _validate(session, hook, review_body(name))
        return response if len(response.get("warnings", [])) == count else None

    return await eventually(answered, 10, f"{count} warnings for {name}")


def _seed(kube_emulator: KubeEmulator, *names: str) -> None:
    objs = policy_objects()
    kube_emulator.thread.seed_namespace("team-a")
    for name in names:
        kube_emulator.thread.seed(POLICIES, objs[name])


def _sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def test_stored_reviews_get_their_verdicts(
    kube_emulator: KubeEmulator, tmp_path: Path
) -> None:
    _seed(kube_emulator, "enforce-all")
    registry = CollectorRegistry()
    async with emulated_webhook(kube_emulator, tmp_path, registry=registry) as (hook, session):
        for name, allowed, code, warnings in ENFORCE_ALL:
            body = review_body(name)
            response = await _validate(session, hook, body)
            assert response["uid"] == body["request"]["uid"], name
            assert response["allowed"] is allowed, name
            assert response.get("status", {}).get("code") == code, name
            assert len(response.get("warnings", [])) == warnings, name

    assert _sample(registry, "webhook_requests_total", operation="CREATE", allowed="true") == 2
    assert _sample(registry, "webhook_requests_total", operation="CREATE", allowed="false") == 2
    assert _sample(registry, "webhook_requests_total", operation="UPDATE", allowed="true") == 3
    assert _sample(registry, "webhook_requests_total", operation="UPDATE", allowed="false") == 1
    assert _sample(registry, "webhook_requests_total", operation="DELETE", allowed="true") == 1
    assert _sample(registry, "webhook_requests_total", operation="CONNECT", allowed="true") == 1
    assert (
        _sample(registry, "webhook_denials_total", namespace="team-a", violation="latest_tag") == 5
    )
    assert _sample(registry, "webhook_request_duration_seconds_count") == 10


async def test_denial_message_and_metrics_endpoint(
    kube_emulator: KubeEmulator, tmp_path: Path
) -> None:
    _seed(kube_emulator, "enforce-strict")
    async with emulated_webhook(kube_emulator, tmp_path) as (hook, session):
        response = await _validate(session, hook, review_body("create-noncompliant"))
        async with session.get(f"{hook.url}/metrics", ssl=hook.client_context()) as resp:
            text = await resp.text()

    message = response["status"]["message"]
    assert "(1) container app, check latest_tag [high, policy team-a/enforce-strict]" in message
    assert "(2) container app, check missing_liveness [critical" in message
    assert "(3) container log-shipper, check latest_tag [high" in message
    assert "(4) container log-shipper, check missing_liveness [critical" in message
    assert 'webhook_denials_total{namespace="team-a",violation="missing_liveness"} 2.0' in text
    assert 'webhook_denials_total{namespace="team-a",violation="latest_tag"} 2.0' in text
    assert 'webhook_requests_total{allowed="false",operation="CREATE"} 1.0' in text


async def test_policy_changes_arrive_through_the_watch(
    kube_emulator: KubeEmulator, tmp_path: Path
) -> None:
    _seed(kube_emulator, "enforce-all")
    custom = kube_emulator.custom
    group, version = "devops.stochastic.io", "v1"
    async with emulated_webhook(kube_emulator, tmp_path) as (hook, session):
        enforced = await _until_warnings(session, hook, "create-noncompliant", 3)
        assert enforced["allowed"] is False

        audit = policy_objects()["audit-all"]
        await asyncio.to_thread(
            custom.create_namespaced_custom_object, group, version, "team-a", "devopspolicies",
            audit,
        )  # fmt: skip
        both = await _until_warnings(session, hook, "create-noncompliant", 8)
        assert both["allowed"] is False

        await asyncio.to_thread(
            custom.delete_namespaced_custom_object, group, version, "team-a", "devopspolicies",
            "enforce-all",
        )  # fmt: skip
        audit_only = await _until_warnings(session, hook, "create-noncompliant", 5)
        assert audit_only["allowed"] is True


async def test_api_unreachable_after_sync_verdicts_from_cache(
    kube_emulator: KubeEmulator, tmp_path: Path
) -> None:
    _seed(kube_emulator, "enforce-all")
    host, port = kube_emulator.url.removeprefix("http://").split(":")
    proxy = await TcpProxy(host, int(port)).start()
    kubeconfig = write_kubeconfig(tmp_path / "proxied-kubeconfig", f"http://127.0.0.1:{proxy.port}")
    cluster = ClusterSettings(kubeconfig=str(kubeconfig))
    try:
        async with (
            running_webhook(tmp_path, cluster=cluster) as hook,
            aiohttp.ClientSession() as session,
        ):
            await wait_ready(session, hook)
            await proxy.cut()
            await eventually(lambda: proxy.refused, 10, "the policy watch retrying, unreachable")
            body = review_body("create-noncompliant")
            for _ in range(20):
                response = await _validate(session, hook, body)
                assert response["allowed"] is False
                assert [w.split(":")[0] for w in response["warnings"]] == [
                    "DevOpsPolicy team-a/enforce-all (enforce)"
                ] * 3
            async with session.get(f"{hook.url}/readyz", ssl=hook.client_context()) as resp:
                assert resp.status == 200
    finally:
        await proxy.close()
    # answered from the cache: every request that tried the API was the policy feed's own
    refused = [line.split(" ")[1].split("?")[0] for line in proxy.refused]
    assert set(refused) == {"/apis/devops.stochastic.io/v1/devopspolicies"}


async def test_no_cache_fail_open_allows_with_the_reason(tmp_path: Path) -> None:
    dead = write_kubeconfig(tmp_path / "dead-kubeconfig", "http://127.0.0.1:9")
    cluster = ClusterSettings(kubeconfig=str(dead))
    async with (
        running_webhook(tmp_path, cluster=cluster) as hook,
        aiohttp.ClientSession() as session,
    ):
        async with session.get(f"{hook.url}/readyz", ssl=hook.client_context()) as resp:
            assert resp.status == 503
        body = review_body("create-noncompliant")
        response = await _validate(session, hook, body)

    assert response == {
        "uid": body["request"]["uid"],
        "allowed": True,
        "warnings": ["kube-devops webhook allowed without checks: policy cache not synced"],
    }


def _update_of_size(size: int) -> bytes:
    """An UPDATE review of ``update-labels-only`` whose new and old pods each carry about half
    of ``size`` bytes in an annotation, ``size`` bytes in all."""
    body = review_body("update-labels-only")
    request = body["request"]
    pads = [obj["metadata"].setdefault("annotations", {}) for obj in (request["object"],
            request["oldObject"])]  # fmt: skip
    for pad in pads:
        pad["pad"] = ""
    room = size - len(json.dumps(body).encode())
    pads[0]["pad"], pads[1]["pad"] = "x" * (room // 2), "x" * (room - room // 2)
    return json.dumps(body).encode()


async def test_body_limit_holds_an_update_of_two_objects_at_the_api_servers_limit(
    tmp_path: Path,
) -> None:
    async def empty_feed(cache: Any) -> None:
        cache.resync([])
        await asyncio.Event().wait()

    fits = _update_of_size(8 * 1024 * 1024)
    too_big = _update_of_size(8 * 1024 * 1024 + 1)

    async def chunked() -> AsyncIterator[bytes]:
        for start in range(0, len(too_big), 65536):
            yield too_big[start : start + 65536]

    async with (
        running_webhook(tmp_path, feed=empty_feed) as hook,
        aiohttp.ClientSession() as session,
    ):
        async with session.post(
            f"{hook.url}/validate", data=io.BytesIO(fits), ssl=hook.client_context()
        ) as resp:
            answer = assert_well_formed(await resp.json())
        statuses = [resp.status]
        for data in (io.BytesIO(too_big), chunked()):
            async with session.post(
                f"{hook.url}/validate", data=data, ssl=hook.client_context()
            ) as resp:
                statuses.append(resp.status)

    # each object is larger than the API server's whole 3 MiB request limit
    assert len(json.dumps(json.loads(fits)["request"]["oldObject"])) > 3 * 1024 * 1024
    assert (len(fits), len(too_big)) == (8 * 1024 * 1024, 8 * 1024 * 1024 + 1)
    assert answer["uid"] == review_body("update-labels-only")["request"]["uid"]
    assert answer["allowed"] is True
    assert statuses == [200, 413, 413]
