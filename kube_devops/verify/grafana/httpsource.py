"""The Prometheus HTTP API calls of variable queries, over one ``requests`` session.

The verifier's :class:`~kube_devops.verify.client.PromClient` has no call for ``/api/v1/labels``
or label values with ``match[]`` and a time range, which Grafana's variable queries use; this
small reader asks them directly, with the same error type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from kube_devops.verify.client import QueryError


class HttpVariableSource:
    """A :class:`~kube_devops.verify.grafana.metricfind.VariableSource` over HTTP."""

    def __init__(self, url: str, *, verify_tls: bool = True, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._session = requests.Session()
        self._session.verify = verify_tls
        self._timeout = timeout

    def close(self) -> None:
        """Release the connection pool."""
        self._session.close()

    def get(self, path: str, params: Mapping[str, str]) -> Any:
        """The ``data`` of ``GET path``; :class:`QueryError` with Prometheus' message otherwise."""
        try:
            answer = self._session.get(self.url + path, params=dict(params), timeout=self._timeout)
        except requests.RequestException as err:
            raise QueryError(f"Prometheus at {self.url} is unreachable: {err}") from None
        try:
            body = answer.json()
        except ValueError:
            raise QueryError(
                f"{self.url}{path} answered HTTP {answer.status_code} without a Prometheus JSON "
                "body; is this the Prometheus HTTP API?"
            ) from None
        if answer.status_code != 200 or body.get("status") != "success":
            raise QueryError(f"{body.get('errorType', 'error')}: {body.get('error', answer.text)}")
        return body.get("data")
