"""Classify a target that has data at the end of its window: ok, or a warning about something
Grafana draws without complaint — a range window under two scrape intervals, a ``legendFormat``
label the series lack, or nothing but zeros."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import chain

from kube_devops.core.promql import legend_labels
from kube_devops.verify import rate_window
from kube_devops.verify.model import Reason, Series, Status, TargetVerdict, Window

#: How Prometheus writes the values the all-zero check accepts without parsing them.
_ZERO_TEXTS = frozenset({"0", "-0", "NaN"})


def with_data(
    expr: str, legend: str, window: Window, instant: list[Series], ranged: list[Series]
) -> TargetVerdict:
    """ok, or a warning: a range window under two scrapes, a legend label the series lack, or
    nothing but zeros."""
    short = rate_window.too_short(expr, window)
    if short is not None:
        return TargetVerdict(Status.WARN, Reason.WINDOW_TOO_SHORT, short)
    missing = _legend_missing(legend, instant + ranged)
    if missing:
        return TargetVerdict(Status.WARN, Reason.LEGEND_LABEL_MISSING, missing)
    if _all_zero(instant, ranged):
        return TargetVerdict(
            Status.WARN, Reason.ALL_ZERO, "every value over the range is 0 (or NaN)"
        )
    detail = f"{len(instant)} series now, {len(ranged)} over the range"
    if window.instant_only:
        detail = f"{len(instant)} series at the end of the range (instant query)"
    return TargetVerdict(Status.OK, None, detail)


def _legend_missing(legend: str, series: Sequence[Series]) -> str:
    wanted = legend_labels(legend)
    if not wanted or not series:
        return ""
    present = sorted({k for s in series for k in s.get("metric", {})})
    absent = [w for w in wanted if any(w not in s.get("metric", {}) for s in series)]
    if not absent:
        return ""
    names = ", ".join("{{" + a + "}}" for a in absent)
    return (
        f"legendFormat names {names} but the result series carry only: "
        f"{', '.join(present) or '(no labels)'}; keep the label in the aggregation "
        f"(sum by (...)) or change the legend"
    )


def _all_zero(instant: Sequence[Series], ranged: Sequence[Series]) -> bool:
    """Every sample is 0 or NaN; stops at the first other value (most series have one early)."""
    values = chain(
        (s["value"][1] for s in instant if "value" in s),
        (v[1] for s in ranged for v in s.get("values", [])),
    )
    seen = False
    for text in values:
        seen = True
        if text not in _ZERO_TEXTS and not _zero(float(text)):
            return False
    return seen


def _zero(number: float) -> bool:
    return number == 0 or math.isnan(number)
