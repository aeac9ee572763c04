"""The one PromQL reader: what a query selects, the labels it relies on, its range windows.

Not a full PromQL parser: it understands selectors, matchers, range windows and subqueries,
``offset``/``@`` modifiers, aggregations with ``by``/``without``, function calls and binary
operators well enough to answer the questions of the manifest contract tests and the verifier —
which series are selected (with which matchers), which labels appear in groupings (and over
which metrics), which labels the result carries (so a ``legendFormat`` can be checked), and how
long its range windows are. Grafana variables (``$namespace``, ``$__rate_interval``) may appear
inside strings and range brackets. Also Prometheus durations, both ways.
"""

from __future__ import annotations

import re

from kube_devops.core.promql_model import (
    Analysis,
    Grouping,
    LabelLookup,
    Labels,
    Matcher,
    PromQLSyntaxError,
    Selector,
)
from kube_devops.core.promql_parser import AGGREGATIONS, Parser, tokenize

__all__ = [
    "AGGREGATIONS",
    "Analysis",
    "Grouping",
    "LabelLookup",
    "Labels",
    "Matcher",
    "PromQLSyntaxError",
    "Selector",
    "analyze",
    "format_duration",
    "legend_labels",
    "parse_duration",
    "range_windows",
    "selectors",
    "tokenize",
]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_LEGEND = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$labels\.([A-Za-z_][A-Za-z0-9_]*)")


def _no_labels(_: str) -> frozenset[str]:
    return frozenset()


def analyze(expr: str, labels_of: LabelLookup = _no_labels) -> Analysis:
    """Read ``expr``; ``labels_of(series_name)`` gives the labels a selected series carries."""
    parser = Parser(tokenize(expr), labels_of)
    result = parser.expression()
    if parser.pos != len(parser.tokens):
        raise PromQLSyntaxError(f"unexpected {parser.peek()!r} in {expr!r}")
    parser.analysis.result_labels = result
    return parser.analysis


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
    """Seconds in a Prometheus duration (``90s``, ``1m30s``, ``500ms``); ValueError if invalid."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"{text!r} is not a Prometheus duration (examples: 30s, 5m, 1h30m)")
    return sum(float(n) * _UNITS[u] for n, u in parts)


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
