"""Explain why a query returned nothing: a missing metric, a down target, a label matcher that
matches nothing, or a range window too short to hold two samples."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from kube_devops.core.catalog import BY_NAME
from kube_devops.core.promql import Selector, format_duration, range_windows, selectors
from kube_devops.verify.client import PromClient, QueryError
from kube_devops.verify.model import Verdict, Window


def empty(client: PromClient, expr: str, window: Window) -> Verdict:
    """The verdict for a query whose instant result is empty."""
    try:
        for selector in selectors(expr):
            if not selector.metric:
                continue
            found = _selector_verdict(client, selector, window)
            if found is not None:
                return found
        return _window_verdict(client, expr, window)
    except QueryError as err:
        return Verdict("error", "query_error", f"while diagnosing: {err}")


def fading(client: PromClient, expr: str, window: Window) -> Verdict | None:
    """For a query that still has data: is any of its series fed by a target that is down now?

    Range functions keep showing the last samples for one window after a target stops, so the
    panel is about to go empty; say so now. Costs nothing while every target is up.
    """
    if all(t.get("health") == "up" for t in window.targets):
        return None
    try:
        for selector in selectors(expr):
            if not selector.metric:
                continue
            series = client.series(selector.bare, window.start, window.end)
            down = _series_targets_down(series, window.targets) or (
                [] if series else _component_targets_down(selector.metric, window.targets)
            )
            if down:
                detail = _down_detail(selector.metric, down) + (
                    "; the panel only shows samples from before it went down"
                )
                return Verdict("empty", "target_down", detail)
    except QueryError as err:
        return Verdict("error", "query_error", f"while diagnosing: {err}")
    return None


def _selector_verdict(client: PromClient, selector: Selector, window: Window) -> Verdict | None:
    series = client.series(selector.bare, window.start, window.end)
    if not series:
        down = _component_targets_down(selector.metric, window.targets)
        if down:
            return Verdict("empty", "target_down", _down_detail(selector.metric, down))
        return Verdict("empty", "metric_missing", _missing_detail(client, selector, window))
    matched = [s for s in series if all(m.matches(s.get(m.name, "")) for m in selector.matchers)]
    if not matched:
        return Verdict("empty", "label_mismatch", _mismatch_detail(selector, series))
    down = _series_targets_down(matched, window.targets)
    if down:
        return Verdict("empty", "target_down", _down_detail(selector.metric, down))
    if not client.instant(str(selector), at=window.end).series:
        down = _component_targets_down(selector.metric, window.targets)
        reason = "target_down" if down else "metric_missing"
        detail = (
            _down_detail(selector.metric, down)
            if down
            else f"{selector} had series earlier in the range but none now (stale)"
        )
        return Verdict("empty", reason, detail)
    return None


def _window_verdict(client: PromClient, expr: str, window: Window) -> Verdict:
    short = [w for w in range_windows(expr) if w < 2 * window.scrape_seconds]
    if short:
        shown = ", ".join(f"[{format_duration(w)}]" for w in short)
        return Verdict(
            "empty",
            "window_too_short",
            f"range window {shown} is shorter than two scrape intervals "
            f"(2 x {format_duration(window.scrape_seconds)}), so it never holds the two samples "
            f"rate() needs; use $__rate_interval or at least "
            f"[{format_duration(4 * window.scrape_seconds)}]",
        )
    if range_windows(expr) and window.end - window.start < max(range_windows(expr)):
        return Verdict("empty", "window_too_short", "the data is younger than the range window")
    return Verdict(
        "empty",
        "label_mismatch",
        "every selector has data but the whole expression is empty: check vector matching "
        "(on/ignoring/group_left label sets) and comparison filters",
    )


def _mismatch_detail(selector: Selector, series: Sequence[dict[str, str]]) -> str:
    present = sorted({k for s in series for k in s if k != "__name__"})
    for matcher in selector.matchers:
        if any(matcher.matches(s.get(matcher.name, "")) for s in series):
            continue
        if not any(matcher.name in s for s in series):
            return (
                f"label {matcher.name!r} does not exist on {selector.metric}; "
                f"its labels are: {', '.join(present) or '(none)'}"
            )
        values = sorted({s[matcher.name] for s in series if matcher.name in s})
        shown = ", ".join(values[:20]) + (" ..." if len(values) > 20 else "")
        return f"no {selector.metric} series has {matcher}; existing {matcher.name} values: {shown}"
    combos = ", ".join(sorted(str(m) for m in selector.matchers))
    return f"no single {selector.metric} series satisfies all of {combos} together"


def _missing_detail(client: PromClient, selector: Selector, window: Window) -> str:
    names = client.label_values("__name__")
    close = difflib.get_close_matches(selector.metric, names, n=3, cutoff=0.75)
    text = f"no series named {selector.metric} in the last {_span(window)}"
    if close:
        text += f"; did you mean {', '.join(close)}?"
    down = [t for t in window.targets if t.get("health") != "up"]
    if down:
        text += "; targets down: " + "; ".join(_target_text(t) for t in down)
    elif selector.metric in BY_NAME:
        component = BY_NAME[selector.metric].component
        text += f"; the catalog says {component} exports it, but its target is up without it"
    else:
        text += "; every target is up, so no target exports it"
    return text


def _component_targets_down(metric: str, targets: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    spec = BY_NAME.get(metric)
    if spec is None:
        return []
    component = spec.component.value
    return [
        t
        for t in targets
        if t.get("health") != "up"
        and any(component in str(v) for v in (t.get("labels") or {}).values())
    ]


def _series_targets_down(
    series: Sequence[dict[str, str]], targets: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    keys = {(s.get("job"), s.get("instance")) for s in series}
    return [
        t
        for t in targets
        if t.get("health") != "up"
        and ((t.get("labels") or {}).get("job"), (t.get("labels") or {}).get("instance")) in keys
    ]


def _down_detail(metric: str, down: Sequence[dict[str, Any]]) -> str:
    return f"{metric} comes from a target that is down: " + "; ".join(_target_text(t) for t in down)


def _target_text(target: dict[str, Any]) -> str:
    labels = target.get("labels") or {}
    error = target.get("lastError") or "no error recorded"
    return (
        f"job={labels.get('job', '?')} instance={labels.get('instance', '?')} "
        f"({target.get('scrapeUrl', '')}) is {target.get('health', 'unknown')}: {error}"
    )


def _span(window: Window) -> str:
    return format_duration(round(window.end - window.start))
