"""The one PromQL reader: what a query selects, the labels it relies on, its range windows, and
the value filters that can empty it.

Parsing is Prometheus's own grammar through ``promql-parser``
(:mod:`kube_devops.core.promql_parser`); this module answers the questions of the manifest
contract tests and the verifier — which series are selected (with which matchers), which labels
appear in groupings (and over which metrics), which labels the result carries (so a
``legendFormat`` can be checked), how long its range windows are, and which comparison or
``and``/``unless`` filters it applies. Grafana variables (``$namespace``, ``$__rate_interval``)
may appear inside strings and range brackets. Also Prometheus durations, both ways.
"""

from __future__ import annotations

import re

from kube_devops.core.promql_filters import ValueFilter, value_filters
from kube_devops.core.promql_model import (
    Analysis,
    Grouping,
    LabelLookup,
    Labels,
    Matcher,
    PromQLSyntaxError,
    Selector,
)
from kube_devops.core.promql_parser import AGGREGATIONS, Walker, parse

__all__ = [
    "AGGREGATIONS",
    "Analysis",
    "Grouping",
    "LabelLookup",
    "Labels",
    "Matcher",
    "PromQLSyntaxError",
    "Selector",
    "ValueFilter",
    "analyze",
    "format_duration",
    "legend_labels",
    "parse_duration",
    "range_windows",
    "selectors",
    "value_filters",
]

#: Prometheus's own duration grammar (``model.ParseDuration``): units in descending order, each
#: at most once, whole numbers only — ``1h30m`` is valid, ``1.5m`` and ``30m1h`` are not.
_DURATION = re.compile(
    r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?"
)
_UNITS = (31536000, 604800, 86400, 3600, 60, 1, 0.001)
_LEGEND = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$labels\.([A-Za-z_][A-Za-z0-9_]*)")


def _no_labels(_: str) -> frozenset[str]:
    return frozenset()


def analyze(expr: str, labels_of: LabelLookup = _no_labels) -> Analysis:
    """Read ``expr``; ``labels_of(series_name)`` gives the labels a selected series carries.

    Raises :class:`PromQLSyntaxError` with the parser's message when ``expr`` is not PromQL.
    """
    tree, placeholders = parse(expr)
    walker = Walker(labels_of, placeholders)
    walker.analysis.result_labels = walker.visit(tree)
    return walker.analysis


def selectors(expr: str) -> tuple[Selector, ...]:
    """Every vector selector in ``expr``, in order (``{__name__="x"}`` becomes metric ``x``).

    For diagnosis only: an expression this reader cannot follow gives ``()``, since Prometheus
    reports syntax errors itself.
    """
    try:
        return tuple(s.named() for s in analyze(expr).selectors)
    except PromQLSyntaxError:
        return ()


def range_windows(expr: str) -> tuple[float, ...]:
    """The range windows (``[5m]``, and the range of ``[5m:1m]`` subqueries) in seconds.

    Windows that are not durations (an unsubstituted ``$__rate_interval``) are left out, and so
    is everything of an expression this reader cannot follow.
    """
    try:
        ranges = analyze(expr).ranges
    except PromQLSyntaxError:
        return ()
    windows: list[float] = []
    for text in ranges:
        try:
            windows.append(parse_duration(text.split(":", 1)[0]))
        except ValueError:
            continue
    return tuple(windows)


def legend_labels(text: str) -> tuple[str, ...]:
    """Labels a Grafana ``legendFormat`` (``{{namespace}}``) or alert text (``$labels.x``) names.

    In order of first appearance, each once.
    """
    return tuple(dict.fromkeys(brace or dollar for brace, dollar in _LEGEND.findall(text)))


def parse_duration(text: str) -> float:
    """Seconds in a Prometheus duration (``90s``, ``1h30m``, ``500ms``) or a plain number of
    seconds (``90``, ``0.5``); ValueError naming the rule otherwise."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(
            f"{text!r} is not a Prometheus duration: whole numbers with units y, w, d, h, m, s, ms "
            "from largest to smallest (examples: 30s, 5m, 1h30m; not 1.5m)"
        )
    return sum(int(n) * unit for n, unit in zip(match.groups(), _UNITS, strict=True) if n)


def format_duration(seconds: float) -> str:
    """A compact Prometheus duration for a number of seconds (``4s``, ``1500ms``, ``5m``)."""
    ms = round(seconds * 1000)
    if ms % 1000:
        return f"{ms}ms"
    whole = ms // 1000
    if whole and whole % 3600 == 0:
        return f"{whole // 3600}h"
    if whole and whole % 60 == 0:
        return f"{whole // 60}m"
    return f"{whole}s"
