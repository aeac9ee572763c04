"""Classify one panel query as ok / warn / empty / error, and say why in actionable terms."""

from __future__ import annotations

import math
from collections.abc import Sequence

from kube_devops.core.promql import format_duration, legend_labels, range_windows
from kube_devops.verify import explain
from kube_devops.verify.client import PromClient, QueryError
from kube_devops.verify.model import Series, Verdict, Window


def check_expr(client: PromClient, expr: str, legend: str, window: Window) -> tuple[
    Verdict, int, float, list[Series]
]:  # fmt: skip
    """Run ``expr`` instant and over the range; return the verdict, series count, the slower
    query's seconds and the range result."""
    try:
        instant = client.instant(expr, at=window.end)
        ranged = client.range(expr, window.start, window.end, window.step)
    except QueryError as err:
        return Verdict("error", "query_error", str(err)), 0, 0.0, []
    seconds = max(instant.seconds, ranged.seconds)
    count = max(len(instant.series), len(ranged.series))
    if not instant.series:
        return explain.empty(client, expr, window), count, seconds, ranged.series
    stale = explain.fading(client, expr, window)
    if stale is not None:
        return stale, count, seconds, ranged.series
    return (
        _classify_data(expr, legend, window, instant.series, ranged.series),
        count,
        seconds,
        (ranged.series),
    )


def _classify_data(
    expr: str, legend: str, window: Window, instant: list[Series], ranged: list[Series]
) -> Verdict:
    short = [w for w in range_windows(expr) if w < 2 * window.scrape_seconds]
    if short:
        return Verdict("warn", "window_too_short", _short_detail(short, window))
    missing = _legend_missing(legend, instant + ranged)
    if missing:
        return Verdict("warn", "legend_label_missing", missing)
    if _all_zero(instant, ranged):
        return Verdict("warn", "all_zero", "every value over the range is 0 (or NaN)")
    return Verdict("ok", None, f"{len(instant)} series now, {len(ranged)} over the range")


def _short_detail(short: Sequence[float], window: Window) -> str:
    shown = ", ".join(f"[{format_duration(w)}]" for w in short)
    return (
        f"range window {shown} is shorter than two scrape intervals "
        f"(2 x {format_duration(window.scrape_seconds)}); use $__rate_interval or at least "
        f"[{format_duration(4 * window.scrape_seconds)}]"
    )


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
    values = [s["value"][1] for s in instant if "value" in s]
    values += [v[1] for s in ranged for v in s.get("values", [])]
    numbers = [float(v) for v in values]
    return bool(numbers) and all(n == 0 or math.isnan(n) for n in numbers)
