"""``filtered_out``: a query that is empty because its value filter keeps nothing (``> 0``,
``!= 0``, ``and``/``unless``), while the query without the filter has data. Grafana shows
"No data" there by design, so it is reported apart from the failures."""

from __future__ import annotations

from kube_devops.core.promql import value_filters
from kube_devops.core.promql_filters import without_filters
from kube_devops.verify.client import PromClient
from kube_devops.verify.model import Reason, Status, TargetVerdict, Window


def verdict(client: PromClient, expr: str, window: Window) -> TargetVerdict | None:
    """``empty``/``filtered_out`` naming the filter and how many series it removed, or ``None``
    when no filter explains the empty result."""
    filters = value_filters(expr)
    for found in filters:
        count = _series(client, found.unfiltered, window)
        if count:
            return _verdict(f"the value filter `{found.text}`", count, window.instant_only)
    if len(filters) > 1:
        count = _series(client, without_filters(expr), window)
        if count:
            names = ", ".join(f"`{f.text}`" for f in filters)
            return _verdict(f"the value filters {names} together", count, window.instant_only)
    return None


def _verdict(subject: str, count: int, instant_only: bool) -> TargetVerdict:
    where = "at the end of the range" if instant_only else "over the range"
    return TargetVerdict(
        Status.EMPTY,
        Reason.FILTERED_OUT,
        f"{subject} removed all {count} series the query has without it {where}; "
        "Grafana shows No data by design "
        "while no value passes (not a failure; --strict makes it one)",
    )


def _series(client: PromClient, expr: str, window: Window) -> int:
    if window.instant_only:
        return len(client.instant(expr, at=window.end).series)
    return len(client.range(expr, window.start, window.end, window.step).series)
