"""Wait until Prometheus scrapes every target and holds enough samples for rate() panels."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kube_devops.core.catalog import CATALOG, MetricType
from kube_devops.verify.client import PromClient, QueryError


class NotReadyError(TimeoutError):
    """Prometheus did not reach the awaited state in time; the message names what is missing."""


def wait_targets_up(
    client: PromClient, expected: int, timeout: float, poll: float = 0.1
) -> list[dict[str, Any]]:
    """Wait until at least ``expected`` active targets exist and every one is up."""
    deadline = time.monotonic() + timeout
    targets: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        try:
            targets = client.targets()
        except QueryError:
            targets = []
        if len(targets) >= expected and all(t.get("health") == "up" for t in targets):
            return targets
        time.sleep(poll)
    states = ", ".join(
        f"{(t.get('labels') or {}).get('job', '?')}={t.get('health')} {t.get('lastError', '')}"
        for t in targets
    )
    raise NotReadyError(
        f"after {timeout:g}s Prometheus has {len(targets)} of {expected} targets up: "
        f"{states or 'no targets'}"
    )


def wait_for_samples(
    client: PromClient, metric: str, samples: int, timeout: float, poll: float = 0.2
) -> None:
    """Wait until every series of ``metric`` has at least ``samples`` samples stored."""
    expr = f"min(count_over_time({metric}[1h]))"
    _wait(lambda: _value(client, expr) >= samples, timeout, poll, f"{samples} samples of {metric}")


def _value(client: PromClient, expr: str) -> float:
    try:
        series = client.instant(expr).series
    except QueryError:
        return 0.0
    return float(series[0]["value"][1]) if series else 0.0


def _wait(done: Callable[[], bool], timeout: float, poll: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(poll)
    raise NotReadyError(f"Prometheus did not hold {what} within {timeout:g}s")


def moving_series() -> list[str]:
    """The sample names that dashboard rate() panels read: every catalog counter, and the
    ``_count`` of every histogram."""
    return [
        spec.name if spec.type is MetricType.COUNTER else f"{spec.name}_count"
        for spec in CATALOG
        if spec.type in {MetricType.COUNTER, MetricType.HISTOGRAM}
    ]


def wait_for_movement(
    client: PromClient, series: list[str], timeout: float, poll: float = 0.25
) -> None:
    """Wait until each series has increased at some point within the last minute."""
    pending = list(series)

    def done() -> bool:
        pending[:] = [s for s in pending if _value(client, f"sum(increase({s}[1m]))") <= 0]
        return not pending

    try:
        _wait(done, timeout, poll, "an increase of every counter")
    except NotReadyError:
        raise NotReadyError(
            f"within {timeout:g}s these counters never increased: {', '.join(pending)}"
        ) from None
