"""The words of the empty-query diagnosis: which label values exist, which matchers no series
satisfies together, why an alerts panel is empty by design."""

from __future__ import annotations

from collections.abc import Sequence

from kube_devops.core.promql import Matcher, Selector, format_duration
from kube_devops.verify.model import Window


def no_alert_detail(selector: Selector) -> str:
    """Why ``ALERTS`` is empty when nothing is wrong."""
    return (
        f"no alert was pending or firing in the range: {selector.metric} has series only while "
        "one is, so Grafana shows No data by design (not a failure; --strict makes it one)"
    )


def mismatch_detail(selector: Selector, series: Sequence[dict[str, str]]) -> str:
    """The first label matcher no series of the metric satisfies, and the values that exist."""
    present = sorted({k for s in series for k in s if k != "__name__"})
    for matcher in selector.label_matchers:
        if any(matcher.matches(s.get(matcher.name, "")) for s in series):
            continue
        if not any(matcher.name in s for s in series):
            return (
                f"label {matcher.name!r} does not exist on {selector.what}; "
                f"its labels are: {', '.join(present) or '(none)'}"
            )
        values = sorted({s[matcher.name] for s in series if matcher.name in s})
        return f"no {selector.what} series has {matcher}; existing {_shown(matcher, values)}"
    return together_detail(selector, f"{selector.what} series")


def no_value_detail(matcher: Matcher, values: Sequence[str]) -> str:
    """A matcher of a nameless selector that no value of its label satisfies."""
    return f"no series has {matcher}; existing {_shown(matcher, values)}"


def _shown(matcher: Matcher, values: Sequence[str]) -> str:
    shown = ", ".join(values[:20]) + (" ..." if len(values) > 20 else "")
    return f"{matcher.name} values: {shown or '(none)'}"


def together_detail(selector: Selector, what: str) -> str:
    """Each matcher is satisfied by some series, but no series satisfies them all."""
    combos = ", ".join(sorted(str(m) for m in selector.label_matchers))
    return f"no single {what} satisfies all of {combos} together"


def span(window: Window) -> str:
    """The window's length as a Prometheus duration (``10m``)."""
    return format_duration(round(window.end - window.start))
