"""Judge one planned panel target as Grafana runs it: the range query over its own window (and
the instant query at the window's end), or the instant query alone for instant-only targets.
Samples anywhere in the range are data; the verdict says why when a target is not plainly ok."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from kube_devops.core.promql import format_duration, legend_labels, range_windows, selectors
from kube_devops.verify import explain, targets_down
from kube_devops.verify.client import PromClient, QueryError
from kube_devops.verify.model import PanelCheck, Reason, Series, Status, Verdict, Window
from kube_devops.verify.plan import QueryTarget

#: How Prometheus writes the values the all-zero check accepts without parsing them.
_ZERO_TEXTS = frozenset({"0", "-0", "NaN"})


@dataclass(frozen=True, slots=True)
class Observed:
    """What Prometheus returned for one target."""

    instant: list[Series] = field(default_factory=list)
    ranged: list[Series] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return max(len(self.instant), len(self.ranged))


def judge(client: PromClient, target: QueryTarget, targets: Sequence[dict[str, Any]]) -> PanelCheck:
    """Query ``target`` and classify it; ``targets`` are Prometheus's active scrape targets."""
    w = target.window
    window = Window(w.start, w.end, w.step, w.scrape, targets)
    if target.error:
        return _check(target, Verdict(Status.ERROR, Reason.QUERY_ERROR, target.error), Observed())
    try:
        observed = _observe(client, target, window)
    except QueryError as err:
        return _check(target, Verdict(Status.ERROR, Reason.QUERY_ERROR, str(err)), Observed())
    return _check(target, classify(client, target, window, observed), observed)


def classify(
    client: PromClient, target: QueryTarget, window: Window, observed: Observed
) -> Verdict:
    """The verdict on what ``target`` returned."""
    expr = target.expr
    if not observed.instant and not observed.ranged:
        return explain.empty(client, expr, window, instant_only=target.instant)
    if not observed.instant:
        return _stopped(client, expr, observed.ranged, window)
    fading = _fading(client, expr, window)
    if fading is not None:
        return fading
    return _classify_data(expr, target.legend, window, observed)


def _observe(client: PromClient, target: QueryTarget, window: Window) -> Observed:
    """The range query over the window, and the result at its end: the instant query, unless
    the end is a point of the range query's grid, where Prometheus evaluates the very same
    instant and its answer is the range result's last point (a second request would only repeat
    it). Instant-only targets run the instant query alone, as Grafana does."""
    if target.instant:
        instant = client.instant(target.expr, at=window.end)
        return Observed(instant.series, [], instant.seconds)
    ranged = client.range(target.expr, window.start, window.end, window.step)
    if _end_on_grid(window):
        return Observed(_points_at(ranged.series, window.end), ranged.series, ranged.seconds)
    instant = client.instant(target.expr, at=window.end)
    return Observed(instant.series, ranged.series, max(instant.seconds, ranged.seconds))


def _end_on_grid(window: Window) -> bool:
    """Prometheus evaluates a range query at start + k x step, in whole milliseconds."""
    span, step = round((window.end - window.start) * 1000), round(window.step * 1000)
    return step > 0 and span % step == 0


def _points_at(ranged: list[Series], at: float) -> list[Series]:
    """The instant vector at ``at`` out of a range result: each series' sample there, if any."""
    found: list[Series] = []
    for series in ranged:
        values = series.get("values") or []
        if values and abs(float(values[-1][0]) - at) < 0.0005:
            found.append({"metric": series.get("metric", {}), "value": values[-1]})
    return found


def _stopped(client: PromClient, expr: str, ranged: list[Series], window: Window) -> Verdict:
    """Data in the range but none at its end: Grafana still draws it; say when it stopped."""
    last = max(float(v[0]) for s in ranged for v in s.get("values", []))
    when = datetime.fromtimestamp(last, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    ago = format_duration(max(round(window.end - last), 0))
    detail = f"every series stopped before the end of the range: last sample at {when}, {ago} "
    detail += "before the end"
    down = _down_feeding(client, expr, window)
    if down:
        detail += "; " + targets_down.describe("it", down)
    return Verdict(Status.WARN, Reason.STALE, detail)


def _fading(client: PromClient, expr: str, window: Window) -> Verdict | None:
    """Data now, but fed by a target that is down: range functions still show its last samples
    for one window, then the panel goes empty. Costs nothing while every target is up."""
    down = _down_feeding(client, expr, window)
    if not down:
        return None
    detail = targets_down.describe("it", down)
    detail += "; the panel only shows samples from before it went down"
    return Verdict(Status.WARN, Reason.TARGET_DOWN, detail)


def _down_feeding(client: PromClient, expr: str, window: Window) -> list[dict[str, Any]]:
    if not targets_down.down(window.targets):
        return []
    try:
        for selector in selectors(expr):
            found = client.series(selector.bare or str(selector), window.start, window.end)
            down = targets_down.feeding_series(found, window.targets)
            if down or (not found and selector.metric):
                return down or targets_down.feeding_selector(selector, window.targets)
    except QueryError:
        return []
    return []


def _classify_data(expr: str, legend: str, window: Window, observed: Observed) -> Verdict:
    short = [w for w in range_windows(expr) if w < 2 * window.scrape_seconds]
    if short:
        return Verdict(Status.WARN, Reason.WINDOW_TOO_SHORT, _short_detail(short, window))
    missing = _legend_missing(legend, observed.instant + observed.ranged)
    if missing:
        return Verdict(Status.WARN, Reason.LEGEND_LABEL_MISSING, missing)
    if _all_zero(observed.instant, observed.ranged):
        return Verdict(Status.WARN, Reason.ALL_ZERO, "every value over the range is 0 (or NaN)")
    detail = f"{len(observed.instant)} series now, {len(observed.ranged)} over the range"
    return Verdict(Status.OK, None, detail)


def _check(target: QueryTarget, verdict: Verdict, observed: Observed) -> PanelCheck:
    return PanelCheck(
        target.row, target.title, target.expr, verdict.status, verdict.reason, verdict.detail,
        observed.count, legend=target.legend, panel_type=target.panel_type, unit=target.unit,
        query_seconds=observed.seconds, range_result=observed.ranged, dashboard=target.dashboard,
        template=target.template, repeat=target.repeat,
    )  # fmt: skip


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
