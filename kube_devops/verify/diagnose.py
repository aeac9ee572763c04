"""Judge one planned panel target as Grafana runs it: the range query over its own window (and
the result at the window's end), or the instant query alone for instant-only targets. Samples
anywhere in the range are data; the verdict says why when a target is not plainly ok."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kube_devops.core.promql import format_duration, selectors
from kube_devops.verify import explain, rate_window, targets_down
from kube_devops.verify.classify import with_data
from kube_devops.verify.client import PromClient, QueryError
from kube_devops.verify.model import PanelCheck, Reason, Series, Status, TargetVerdict, Window
from kube_devops.verify.plan import QueryTarget


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
    window = Window(w.start, w.end, w.step, w.scrape, targets, target.instant)
    if target.error:
        return _check(
            target, TargetVerdict(Status.ERROR, Reason.QUERY_ERROR, target.error), Observed()
        )
    try:
        observed = _observe(client, target, window)
    except QueryError as err:
        return _check(target, TargetVerdict(Status.ERROR, Reason.QUERY_ERROR, str(err)), Observed())
    return _check(target, classify(client, target, window, observed), observed)


def classify(
    client: PromClient, target: QueryTarget, window: Window, observed: Observed
) -> TargetVerdict:
    """The verdict on what ``target`` returned."""
    expr = target.expr
    if not observed.instant and not observed.ranged:
        return explain.empty(client, expr, window)
    if not observed.instant:
        return _stopped(client, expr, observed.ranged, window)
    fading = _fading(client, expr, window, observed.instant)
    if fading is not None:
        return fading
    return with_data(expr, target.legend, window, observed.instant, observed.ranged)


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


def _stopped(client: PromClient, expr: str, ranged: list[Series], window: Window) -> TargetVerdict:
    """Data in the range but none at its end: Grafana still draws it; say when it stopped (or,
    for a range window under two scrapes, that it only has data where two scrapes came close)."""
    sporadic = ", so it has data only where two scrapes happened to fall within it"
    if (short := rate_window.too_short(expr, window, sporadic)) is not None:
        return TargetVerdict(Status.WARN, Reason.WINDOW_TOO_SHORT, short)
    last = max(float(v[0]) for s in ranged for v in s.get("values", []))
    when = datetime.fromtimestamp(last, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    ago = format_duration(max(round(window.end - last), 0))
    detail = f"every series stopped before the end of the range: last sample at {when}, {ago} "
    detail += "before the end"
    down = _down_feeding(client, expr, window)
    if down:
        detail += "; " + targets_down.describe("it", down)
    return TargetVerdict(Status.WARN, Reason.STALE, detail)


def _fading(
    client: PromClient, expr: str, window: Window, now: list[Series]
) -> TargetVerdict | None:
    """Data now, but only from targets that are down: range functions still show their last
    samples for one window, then the panel goes empty. Costs nothing while every target is up."""
    if not targets_down.down(window.targets):
        return None
    down = _only_down_feeding(client, expr, window, now)
    if not down:
        return None
    detail = targets_down.describe("it", down)
    detail += "; the panel only shows samples from before it went down"
    return TargetVerdict(Status.WARN, Reason.TARGET_DOWN, detail)


def _only_down_feeding(
    client: PromClient, expr: str, window: Window, now: list[Series]
) -> list[dict[str, Any]]:
    """The down targets, when every series behind the result comes from one: read from the
    result's own job/instance labels, else from a selector's series."""
    labels = [s.get("metric", {}) for s in now]
    if labels and all("job" in m and "instance" in m for m in labels):
        return targets_down.all_from_down(labels, window.targets)
    try:
        for selector in selectors(expr):
            found = client.series(selector.bare or str(selector), window.start, window.end)
            down = targets_down.all_from_down(found, window.targets)
            if down:
                return down
    except QueryError:
        return []
    return []


def _down_feeding(client: PromClient, expr: str, window: Window) -> list[dict[str, Any]]:
    """Down targets behind any selector of ``expr`` (why a panel has nothing at the end)."""
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


def _check(target: QueryTarget, verdict: TargetVerdict, observed: Observed) -> PanelCheck:
    return PanelCheck(
        target.row, target.title, target.expr, verdict.status, verdict.reason, verdict.detail,
        observed.count, legend=target.legend, panel_type=target.panel_type, unit=target.unit,
        query_seconds=observed.seconds, range_result=observed.ranged, dashboard=target.dashboard,
        template=target.template, repeat=target.repeat,
    )  # fmt: skip
