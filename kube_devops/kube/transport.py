"""Sending one request to the API server: timeouts, in-flight counting and error mapping.

Public API:

- ``Transport(api, *, request_timeout=30.0, connect_timeout=CONNECT_TIMEOUT)`` — the base of
  ``KubeClient``. Every call runs the blocking client in a daemon worker thread of its own (never
  the event loop's default executor, so a request hanging on a silent API server delays neither
  the loop's nor the interpreter's exit), bounded by ``connect_timeout`` to connect and
  ``request_timeout`` between two reads of the answer (a watch passes its own read timeout):
  ``await request(method, path, *, query=(), body=None, content_type=None)`` (the decoded JSON
  as the API server sent it; ``request_sync`` is its blocking form), ``open_stream(path, query,
  read_timeout)`` (blocking: a streaming response for watches), ``contact`` (an ``ApiContact``:
  when the API server last answered, and whether a request failed since), ``in_flight`` and
  ``await drain(limit) -> bool`` (see ``kube_devops.kube.in_flight``).
- ``as_dict(answer) -> JsonDict`` — the answer when it is a JSON object, else ``KubeError``.

An unreachable server raises ``TransientError``; an HTTP error status the matching
``kube_devops.kube.errors`` class, naming the request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import urllib3
from kubernetes import client

from kube_devops.core.bodies import JsonDict
from kube_devops.kube.contact import ApiContact
from kube_devops.kube.errors import KubeError, TransientError, error_from_status
from kube_devops.kube.in_flight import InFlight
from kube_devops.kube.threads import in_daemon_thread

#: Seconds allowed to open a TCP (and TLS) connection to the API server.
CONNECT_TIMEOUT = 5.0

Query = Sequence[tuple[str, str]]


class Transport:
    """Bounded requests off the event loop, with typed errors (see the module docstring)."""

    def __init__(
        self,
        api: client.ApiClient,
        *,
        request_timeout: float = 30.0,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.api = api
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self.contact = ApiContact()
        self._requests = InFlight()

    @property
    def in_flight(self) -> int:
        """Requests running in worker threads right now (watch streams count while opening)."""
        return self._requests.count

    async def drain(self, limit: float) -> bool:
        """Wait up to ``limit`` seconds until no request is in flight; True when none is."""
        return await self._requests.drain(limit)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = (),
        body: Any = None,
        content_type: str | None = None,
    ) -> Any:
        """Send one request off the event loop; the decoded JSON answer."""
        return await in_daemon_thread(
            self.request_sync, method, path, query, body, content_type, name=f"{method} {path}"
        )

    def request_sync(
        self,
        method: str,
        path: str,
        query: Query = (),
        body: Any = None,
        content_type: str | None = None,
    ) -> Any:
        """Blocking form of ``request`` (for worker threads only)."""
        where = f"{method} {path}"
        with self._requests.tracked():
            response = self._send(method, path, query, body, content_type, self.request_timeout)
            try:
                data = response.data
            finally:
                response.release_conn()
        if not 200 <= response.status < 300:
            raise error_from_status(response.status, response.reason or "", data, where)
        return json.loads(data) if data else {}

    def open_stream(
        self, path: str, query: Query, read_timeout: float
    ) -> urllib3.response.BaseHTTPResponse:
        """Blocking: start a streaming GET (a watch); raises typed errors on a non-2xx status."""
        with self._requests.tracked():
            response = self._send("GET", path, query, None, None, read_timeout)
        if not 200 <= response.status < 300:
            data = response.data
            response.release_conn()
            raise error_from_status(response.status, response.reason or "", data, f"GET {path}")
        return response

    def _send(
        self,
        method: str,
        path: str,
        query: Query,
        body: Any,
        content_type: str | None,
        read_timeout: float,
    ) -> urllib3.response.BaseHTTPResponse:
        headers = {"Accept": "application/json"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        elif body is not None:
            headers["Content-Type"] = "application/json"
        try:
            serialized = self.api.param_serialize(
                method,
                path,
                query_params=list(query) or None,
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
            )
            timeouts = (self.connect_timeout, read_timeout)
            answer = self.api.call_api(*serialized, _request_timeout=timeouts)
        except (urllib3.exceptions.HTTPError, OSError) as err:
            self.contact.failed()
            where = f"{method} {path}"
            raise TransientError(f"cannot reach the API server: {err}", where=where) from err
        except client.ApiException as err:
            self._answered(err.status or 0)
            where = f"{method} {path}"
            raise error_from_status(err.status or 0, str(err.reason), err.body, where) from err
        response: urllib3.response.BaseHTTPResponse = answer.response
        self._answered(response.status)
        return response

    def _answered(self, status: int) -> None:
        if 0 < status < 500:
            self.contact.answered()
        else:
            self.contact.failed()


def as_dict(answer: Any) -> JsonDict:
    """``answer`` when it is a JSON object; ``KubeError`` otherwise."""
    if isinstance(answer, dict):
        return answer
    raise KubeError(f"expected a JSON object from the API server, got {type(answer).__name__}")
