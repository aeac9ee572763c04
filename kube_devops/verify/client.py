"""Prometheus queries through prometheus-api-client, timed, with errors a user can read."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from prometheus_api_client import PrometheusConnect
from prometheus_api_client.exceptions import PrometheusApiClientException
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kube_devops.verify import promhttp
from kube_devops.verify.model import Series

T = TypeVar("T")


class QueryError(Exception):
    """Prometheus rejected a query or could not be reached; the message is Prometheus' own."""


class ApiUnavailableError(QueryError):
    """The URL does not answer the Prometheus HTTP API (down, or something else listens)."""


@dataclass(frozen=True, slots=True)
class Result:
    """A query result and how long the round trip took."""

    series: list[Series]
    seconds: float


class PromClient:
    """A thin, timed wrapper over :class:`PrometheusConnect` for the verifier."""

    def __init__(
        self, url: str, *, timeout: float = 10.0, verify_tls: bool = True, connections: int = 10
    ) -> None:
        self.url = url.rstrip("/")
        self.verify_tls = verify_tls
        self._timeout = timeout
        retry = Retry(total=2, backoff_factor=0.1, status_forcelist=[502, 503, 504])
        self._session = promhttp.session(self.url, verify_tls)
        self._label_values: dict[str, list[str]] = {}
        self._series: dict[tuple[str, int, int], list[dict[str, str]]] = {}
        self._prom = PrometheusConnect(
            url=self.url, session=self._session, retry=retry, timeout=timeout
        )
        # One pooled connection per concurrent query (the client's own adapter keeps 10).
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=max(connections, 10))
        self._session.mount(self.url, adapter)

    def check_api(self) -> None:
        """Raise :class:`ApiUnavailableError` unless ``url`` answers a query as Prometheus does."""
        probe = "/api/v1/query?query=1"
        try:
            response = self._session.get(f"{self.url}{probe}", timeout=self._timeout)
        except requests.RequestException as err:
            raise ApiUnavailableError(
                f"Prometheus at {self.url} is unreachable: {promhttp.reason(err)}"
            ) from None
        if not promhttp.answers_query(response):
            answered = promhttp.answer(response.status_code, response.content)
            raise ApiUnavailableError(promhttp.not_prometheus(self.url, probe, answered))

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._prom.close()

    def instant(self, expr: str, at: float | None = None) -> Result:
        """Evaluate ``expr`` at ``at`` (epoch seconds; now when omitted)."""
        params = {"time": f"{at:.3f}"} if at is not None else None
        return self._timed(
            lambda: promhttp.vector(self._prom.custom_query(expr, params=params)), "/api/v1/query"
        )

    def range(self, expr: str, start: float, end: float, step: float) -> Result:
        """Evaluate ``expr`` from ``start`` to ``end`` every ``step`` seconds.

        prometheus-api-client rounds ``start`` and ``end`` to whole seconds; its ``params`` win
        over its own, so the window is sent to the millisecond, as Grafana sends it.
        """
        exact = {"start": f"{start:.3f}", "end": f"{end:.3f}"}
        return self._timed(
            lambda: self._prom.custom_query_range(
                expr,
                start_time=promhttp.dt(start),
                end_time=promhttp.dt(end),
                step=f"{step:g}",
                params=exact,
            ),
            "/api/v1/query_range",
        )

    def series(self, match: str, start: float, end: float) -> list[dict[str, str]]:
        """Label sets of every series matching the selector ``match`` in the window.

        Kept for the client's lifetime, like :meth:`label_values`: the targets of a dashboard
        share their window and often their selectors.
        """
        key = (match, round(start), round(end))
        if key not in self._series:
            self._series[key] = self._call(
                lambda: self._prom.get_series(
                    promhttp.dt(start), promhttp.dt(end), params={"match[]": match}
                ),
                "/api/v1/series",
            )
        return self._series[key]

    def label_values(self, label: str) -> list[str]:
        """Every value of ``label`` Prometheus knows (``__name__`` gives all metric names).

        Kept for the client's lifetime (one verification run): the diagnosis of many targets
        asks for the same names (all metric names to suggest a spelling) again and again.
        """
        if label not in self._label_values:
            found: list[str] = self._call(
                lambda: self._prom.get_label_values(label), f"/api/v1/label/{label}/values"
            )
            self._label_values[label] = found
        return self._label_values[label]

    def targets(self) -> list[dict[str, Any]]:
        """The active scrape targets with their health, last error and scrape interval."""
        data: dict[str, Any] = self._call(
            lambda: self._prom.get_targets(state="active"), "/api/v1/targets"
        )
        return list(data.get("activeTargets") or [])

    def _timed(self, call: Callable[[], list[Series]], path: str) -> Result:
        started = time.perf_counter()
        series = self._call(call, path)
        return Result(series, time.perf_counter() - started)

    def _call(self, call: Callable[[], T], path: str) -> T:
        """``call``'s result; its failures as :class:`QueryError`, or as
        :class:`ApiUnavailableError` when what answered ``path`` is not Prometheus."""
        try:
            return call()
        except PrometheusApiClientException as err:
            failed = promhttp.failed_answer(str(err))
            if failed is not None and not promhttp.is_prometheus_error(failed[1]):
                answered = promhttp.answer(*failed)
                raise ApiUnavailableError(
                    promhttp.not_prometheus(self.url, path, answered)
                ) from None
            raise QueryError(promhttp.prometheus_message(str(err))) from None
        except (ValueError, KeyError, TypeError) as err:  # HTTP 200, but not Prometheus's JSON
            body = "a body that is not JSON" if isinstance(err, ValueError) else "other JSON"
            answered = f"HTTP 200 with {body} (not Prometheus's envelope)"
            raise ApiUnavailableError(promhttp.not_prometheus(self.url, path, answered)) from None
        except requests.RequestException as err:
            raise QueryError(
                f"Prometheus at {self.url} is unreachable: {promhttp.reason(err)}"
            ) from None
