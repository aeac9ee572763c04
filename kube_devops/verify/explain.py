"""Explain why a query returned nothing over the whole range: a missing metric, a down target, a
label matcher that matches nothing, a value filter nothing passes, or a range window too short
to hold two samples. Selectors without a metric name are diagnosed like named ones."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from kube_devops.core.promql import Selector, range_windows, selectors
from kube_devops.verify import explain_text, filtered, rate_window, targets_down
from kube_devops.verify.client import PromClient, QueryError
from kube_devops.verify.model import Reason, Status, TargetVerdict, Window

_EMPTY = Status.EMPTY
_NEVER_TWO_SAMPLES = ", so it never holds the two samples rate() needs"
#: Series Prometheus writes only while an alert is pending or firing.
_ALERT_SERIES = frozenset({"ALERTS", "ALERTS_FOR_STATE"})


def empty(client: PromClient, expr: str, window: Window) -> TargetVerdict:
    """The verdict for a query with no sample anywhere in its window (at its end only, for an
    instant-only target)."""
    try:
        for selector in selectors(expr):
            found = _selector_verdict(client, selector, window)
            if found is not None:
                return found
        return filtered.verdict(client, expr, window) or _window_verdict(expr, window)
    except QueryError as err:
        return TargetVerdict(Status.ERROR, Reason.QUERY_ERROR, f"while diagnosing: {err}")


def _selector_verdict(
    client: PromClient, selector: Selector, window: Window
) -> TargetVerdict | None:
    if not selector.bare:
        return _labels_only_verdict(client, selector, window)
    series = client.series(selector.bare, window.start, window.end)
    if not series and selector.metric in _ALERT_SERIES:
        return TargetVerdict(_EMPTY, Reason.FILTERED_OUT, explain_text.no_alert_detail(selector))
    if not series:
        down = targets_down.feeding_selector(selector, window.targets)
        if down:
            return TargetVerdict(
                _EMPTY, Reason.TARGET_DOWN, targets_down.describe(selector.what, down)
            )
        return TargetVerdict(
            _EMPTY, Reason.METRIC_MISSING, _missing_detail(client, selector, window)
        )
    matchers = selector.label_matchers
    matched = [s for s in series if all(m.matches(s.get(m.name, "")) for m in matchers)]
    if not matched:
        return TargetVerdict(
            _EMPTY, Reason.LABEL_MISMATCH, explain_text.mismatch_detail(selector, series)
        )
    return _sampled_verdict(client, selector, matched, window)


def _labels_only_verdict(
    client: PromClient, selector: Selector, window: Window
) -> TargetVerdict | None:
    """``{job="x"}``: which matcher no series satisfies, or which target is down."""
    series = client.series(str(selector), window.start, window.end)
    if series:
        return _sampled_verdict(client, selector, series, window)
    down = targets_down.feeding_selector(selector, window.targets)
    if down:
        return TargetVerdict(_EMPTY, Reason.TARGET_DOWN, targets_down.describe(str(selector), down))
    for matcher in selector.label_matchers:
        values = sorted(set(client.label_values(matcher.name)))
        if not any(matcher.matches(v) for v in values):
            return TargetVerdict(
                _EMPTY, Reason.LABEL_MISMATCH, explain_text.no_value_detail(matcher, values)
            )
    return TargetVerdict(
        _EMPTY, Reason.LABEL_MISMATCH, explain_text.together_detail(selector, "series")
    )


def _sampled_verdict(
    client: PromClient, selector: Selector, series: Sequence[dict[str, str]], window: Window
) -> TargetVerdict | None:
    """The selector has series: do they all come from targets that are down now, or are all
    their samples older than the window?"""
    down = targets_down.all_from_down(series, window.targets)
    if down:
        return TargetVerdict(_EMPTY, Reason.TARGET_DOWN, targets_down.describe(selector.what, down))
    if window.instant_only:
        if client.instant(str(selector), at=window.end).series:
            return None
        detail = f"{selector} has samples earlier in the range but none at its end, the only "
        return TargetVerdict(_EMPTY, Reason.METRIC_MISSING, detail + "time an instant query shows")
    if client.range(str(selector), window.start, window.end, window.step).series:
        return None
    return TargetVerdict(
        _EMPTY,
        Reason.METRIC_MISSING,
        f"{selector} has series, but no sample in the last {explain_text.span(window)}: "
        "whatever exported it stopped before the range began",
    )


def _window_verdict(expr: str, window: Window) -> TargetVerdict:
    short = rate_window.too_short(expr, window, _NEVER_TWO_SAMPLES)
    if short is not None:
        return TargetVerdict(_EMPTY, Reason.WINDOW_TOO_SHORT, short)
    windows = range_windows(expr)
    if windows and window.end - window.start < max(windows):
        return TargetVerdict(
            _EMPTY, Reason.WINDOW_TOO_SHORT, "the data is younger than the range window"
        )
    return TargetVerdict(
        _EMPTY,
        Reason.LABEL_MISMATCH,
        "every selector has data but the whole expression is empty: check vector matching "
        "(on/ignoring/group_left label sets)",
    )


def _missing_detail(client: PromClient, selector: Selector, window: Window) -> str:
    names = client.label_values("__name__")
    close = [
        c for n in _wanted_names(selector) for c in difflib.get_close_matches(n, names, 3, 0.75)
    ]
    if selector.metric:
        text = f"no series named {selector.metric} in the last {explain_text.span(window)}"
    else:
        text = (
            f"no series whose name matches {selector.what} in the last {explain_text.span(window)}"
        )
    if close:
        text += f"; did you mean {', '.join(dict.fromkeys(close))}?"
    down = targets_down.down(window.targets)
    if down:
        return text + "; targets down: " + "; ".join(targets_down.text(t) for t in down)
    return text + "; every target is up, so no target exports it"


def _wanted_names(selector: Selector) -> list[str]:
    """The metric names a selector asks for, when it spells them out (``a|b`` alternations)."""
    wanted: list[str] = []
    for matcher in selector.name_matchers:
        if matcher.op in {"=", "=~"} and re.fullmatch(r"[A-Za-z0-9_:|]+", matcher.value):
            wanted += [n for n in matcher.value.split("|") if n]
    return wanted
