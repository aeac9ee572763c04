"""``POST /validate``: read the body (at most 3 MiB), parse -> verdict -> render, count.

The answer is always HTTP 200 with an ``admission.k8s.io/v1`` AdmissionReview echoing the uid,
whatever the body holds; the only exception is a body above the limit, which gets 413. Any error
while judging becomes a fail-open allow with a warning (or a fail-closed denial). Metrics:
``webhook_requests_total{operation,allowed}``, ``webhook_denials_total{namespace,violation}``
(violation = the check id of each denied finding) and ``webhook_request_duration_seconds``
observed on every path, 413 included.
"""

from __future__ import annotations

import asyncio
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

#: The API server never sends more than 3 MiB; larger bodies are refused with 413.
BODY_LIMIT = 3 * 1024 * 1024

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
            body = await self._read(request)
            if body is None:
                self._count("UNKNOWN", not self._settings.fail_closed)
                return web.Response(
                    status=413,
                    text=f"AdmissionReview body larger than {self._body_limit} bytes\n",
                )
            uid, operation, namespace, answer = self._judge(body)
            self._count(operation, answer.allowed)
            for denial in answer.denials:
                self._denial_child(namespace, denial.check.value).inc()
            return web.Response(
                body=dump_review(review_for(uid, answer)), content_type="application/json"
            )
        finally:
            self._duration.observe(time.perf_counter() - start)

    async def _read(self, request: web.Request) -> bytes | None:
        """The body, or None when it is larger than the limit (read no further than that)."""
        length = request.content_length
        if length is not None:
            if length > self._body_limit:
                return None
            try:
                return await request.content.readexactly(length)
            except asyncio.IncompleteReadError as err:  # client gave up mid-body
                return err.partial
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
