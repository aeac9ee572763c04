"""Async facade over the official client: plain JSON dicts in and out, typed errors.

Public API:

- ``KubeClient.from_config(ClusterConfig) -> KubeClient`` (or ``KubeClient(api_client)``), with
  ``host`` (the API server URL).
- The verbs, each returning the decoded JSON exactly as the API server sent it (camelCase keys,
  never client model objects): ``version``, ``get``, ``list``, ``list_all`` (see
  ``kube_devops.kube.read_verbs``); ``create``, ``replace``, ``patch``, ``json_patch``,
  ``delete`` (see ``kube_devops.kube.write_verbs``, which also holds ``PatchType``).
- ``request``, ``request_sync``, ``open_stream``, ``contact``, ``in_flight``, ``drain`` — sending
  one request, bounded by ``connect_timeout`` and ``request_timeout`` in a daemon worker thread
  (see ``kube_devops.kube.transport``).
- Lifecycle: cancelling the awaiting task does not stop a request's thread, which ends by its
  timeouts. ``await aclose(grace)`` drains (at most ``grace`` seconds), then releases the
  connection pool, so no request is cut off by the pool closing under it. ``close()`` releases
  the pool at once (for synchronous code).

Failures raise the ``kube_devops.kube.errors`` hierarchy (``NotFound``, ``Conflict``, ``Gone``,
``Forbidden``, ``TransientError`` ...), each naming the request.
"""

from __future__ import annotations

import logging

from kube_devops.core.bodies import JsonDict as JsonDict
from kube_devops.kube.config import ClusterConfig, load_api_client
from kube_devops.kube.read_verbs import ReadVerbs
from kube_devops.kube.transport import CONNECT_TIMEOUT
from kube_devops.kube.write_verbs import WriteVerbs

log = logging.getLogger(__name__)


class KubeClient(ReadVerbs, WriteVerbs):
    """Async, dict-based access to one cluster (see the module docstring)."""

    @classmethod
    def from_config(
        cls,
        cfg: ClusterConfig,
        *,
        request_timeout: float = 30.0,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> KubeClient:
        """A client for the cluster ``cfg`` designates (``ConfigError`` if there is none)."""
        api = load_api_client(cfg)
        return cls(api, request_timeout=request_timeout, connect_timeout=connect_timeout)

    @property
    def host(self) -> str:
        """The API server URL."""
        return str(self.api.configuration.host)

    def close(self) -> None:
        """Release pooled connections now (requests still running are not waited for)."""
        self.api.close()  # type: ignore[no-untyped-call]

    async def aclose(self, grace: float = 5.0) -> None:
        """Drain requests in flight (at most ``grace`` seconds), then release the pool."""
        if not await self.drain(grace):
            log.warning(
                "closing the API client with requests still running",
                extra={"in_flight": self.in_flight, "grace": grace},
            )
        self.close()
