"""``POST /validate``: read the body (at most 8 MiB), parse -> verdict -> render, count.

The answer is always HTTP 200 with an ``admission.k8s.io/v1`` AdmissionReview echoing the uid,
whatever the body holds; the only exception is a body above the limit, which gets 413. A client
gone before its body arrived (or cut off by ``body_timeout``) is logged as one warning line and
counted nowhere: nobody is there to read an answer. Any error
while judging becomes a fail-open allow with a warning (or a fail-closed denial). Metrics:
``webhook_requests_total{operation,allowed}``, ``webhook_denials_total{namespace,violation}``
(violation = the check id of each denied finding) and ``webhook_request_duration_seconds``
observed on every path, 413 included.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable, Sequence

from aiohttp import web
from prometheus_client import Counter

from kube_devops.components.webhook.metrics import WebhookMetrics
from kube_devops.core.admission import (
    AdmissionSettings,
    AdmissionVerdict,
    review_for,
    unable_verdict,
    verdict,
)
from kube_devops.core.admission_review import MalformedReviewError, dump_review, parse_review
from kube_devops.core.policy import Policy

log = logging.getLogger(__name__)

#: Largest AdmissionReview accepted (larger: 413). The API server takes request bodies up to
#: 3 MiB (``MaxRequestBodyBytes``), and an UPDATE review carries the new object and the old one,
#: each up to that size once encoded as JSON, plus the envelope: two times 3 MiB and 2 MiB of
#: room for the envelope and for JSON encoding an object more verbosely than its request.
BODY_LIMIT = 8 * 1024 * 1024


class ClientGone(Exception):  # noqa: N818 - an event, not an error of ours
    """The connection ended (or the chunked encoding broke) before the whole body arrived."""


PolicyLookup = Callable[[str], Sequence[Policy] | None]


class ValidateHandler:
    """The aiohttp handler of ``POST /validate``."""

    def __init__(
        self,
        policies_for: PolicyLookup,
        settings: AdmissionSettings,
        metrics: WebhookMetrics,
        *,
        body_limit: int = BODY_LIMIT,
    ) -> None:
        self._policies_for = policies_for
        self._settings = settings
        self._body_limit = body_limit
        self._requests = metrics.requests
        self._denials = metrics.denials
        self._duration = metrics.duration
        # label children by label values: operation and check sets are small and fixed, and
        # namespaces are bounded by those holding a policy (only they can deny)
        self._request_children: dict[tuple[str, str], Counter] = {}
        self._denial_children: dict[tuple[str, str], Counter] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request (the aiohttp handler)."""
        start = time.perf_counter()
        try:
            return await self._answer(request)
        finally:
            self._duration.observe(time.perf_counter() - start)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await self._read(request)
        except ClientGone as gone:
            log.warning(
                "connection closed before the AdmissionReview body arrived: %s", gone,
                extra={"peer": request.remote},
            )  # fmt: skip
            return web.Response(status=400)  # nobody reads it; aiohttp drops it quietly
        if body is None:
            self._count("UNKNOWN", not self._settings.fail_closed)
            return web.Response(
                status=413, text=f"AdmissionReview body larger than {self._body_limit} bytes\n"
            )
        uid, operation, namespace, answer = self._judge(body)
        self._count(operation, answer.allowed)
        for check, count in collections.Counter(d.check.value for d in answer.denials).items():
            self._denial_child(namespace, check).inc(count)
        return web.Response(
            body=dump_review(review_for(uid, answer)), content_type="application/json"
        )

    async def _read(self, request: web.Request) -> bytes | None:
        """The body, or None when it is larger than the limit (read no further than that)."""
        length = request.content_length
        if length is not None:
            if length > self._body_limit:
                return None
            if length == 0:
                return b""
            try:
                return await request.content.readexactly(length)
            except asyncio.IncompleteReadError as err:
                raise ClientGone(f"{len(err.partial)} of {length} bytes read") from None
            except ConnectionError as err:
                raise ClientGone(f"{err} (of {length} bytes)") from None
        try:
            return await self._read_chunked(request)
        except (ConnectionError, web.RequestPayloadError) as err:
            raise ClientGone(str(err)) from None

    async def _read_chunked(self, request: web.Request) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.content.iter_chunked(65536):
            size += len(chunk)
            if size > self._body_limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    def _judge(self, body: bytes) -> tuple[str, str, str, AdmissionVerdict]:
        try:
            req = parse_review(body)
        except MalformedReviewError as err:
            why = f"malformed AdmissionReview: {err.reason}"
            return err.uid, "UNKNOWN", "", unable_verdict(why, self._settings, code=400)
        try:
            answer = verdict(req, self._policies_for(req.namespace), self._settings)
        except Exception as err:  # the webhook must answer whatever goes wrong
            log.error(
                "admission_internal_error",
                exc_info=True,
                extra={"uid": req.uid, "namespace": req.namespace, "error": repr(err)},
            )
            answer = unable_verdict(f"internal error {type(err).__name__}", self._settings)
        return req.uid, req.operation_label, req.namespace, answer

    def _count(self, operation: str, allowed: bool) -> None:
        key = (operation, "true" if allowed else "false")
        child = self._request_children.get(key)
        if child is None:
            child = self._request_children[key] = self._requests.labels(*key)
        child.inc()

    def _denial_child(self, namespace: str, violation: str) -> Counter:
        key = (namespace, violation)
        child = self._denial_children.get(key)
        if child is None:
            child = self._denial_children[key] = self._denials.labels(*key)
        return child
