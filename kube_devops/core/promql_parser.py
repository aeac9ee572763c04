"""Read PromQL with ``promql-parser`` (Python bindings of a Rust implementation of Prometheus's own
grammar) and walk its syntax tree into an :class:`Analysis`.

Grafana variables inside range brackets (``[$__rate_interval]``) are not PromQL: they are swapped
for placeholder durations before parsing and restored in :attr:`Analysis.ranges`. Variables inside
label values (``namespace=~"$namespace"``) are plain strings and need nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta

import promql_parser as pp

from kube_devops.core.promql_model import (
    Analysis,
    Grouping,
    LabelLookup,
    Labels,
    Matcher,
    PromQLSyntaxError,
    Selector,
)

AGGREGATIONS = frozenset(
    {"sum", "min", "max", "avg", "count", "stddev", "stdvar", "group", "topk", "bottomk"}
    | {"quantile", "count_values", "limitk", "limit_ratio"}
)
_OPS = (("=", pp.MatchOp.Equal), ("!=", pp.MatchOp.NotEqual), ("=~", pp.MatchOp.Re))
_BRACKET_VARIABLE = re.compile(r"\[([^\]\[]*\$[^\]\[]*)\]")
#: Placeholder ranges count up from here (about 31 years), far beyond any real window.
_PLACEHOLDER_BASE = 10**9


def parse(expr: str) -> tuple[pp.Expr, dict[int, str]]:
    """The syntax tree of ``expr`` and the placeholder seconds -> bracket text it replaced."""
    placeholders: dict[int, str] = {}

    def swap(match: re.Match[str]) -> str:
        parts = match.group(1).split(":")
        swapped = [_placeholder(p, placeholders) if "$" in p else p for p in parts]
        return "[" + ":".join(swapped) + "]"

    try:
        return pp.parse(_BRACKET_VARIABLE.sub(swap, expr)), placeholders
    except ValueError as err:
        raise PromQLSyntaxError(f"{err} in {expr!r}") from None


def _placeholder(text: str, placeholders: dict[int, str]) -> str:
    seconds = _PLACEHOLDER_BASE + len(placeholders)
    placeholders[seconds] = text
    return f"{seconds}s"


def _matcher(found: pp.Matcher) -> Matcher:
    op = next((text for text, kind in _OPS if found.op == kind), "!~")
    return Matcher(found.name, op, found.value)


def _includes(matching: pp.LabelModifier) -> bool:
    return bool(matching.type == pp.LabelModifierType.Include)


def _combine(left: Labels, right: Labels, op: str, on: tuple[str, ...] | None) -> Labels:
    if left is None or right is None:
        return right if left is None else left
    if op in {"and", "unless"}:
        return left
    if on is not None:
        return frozenset(on)
    return left & right


class Walker:
    """Depth-first over the tree, in source order, computing each node's result labels."""

    def __init__(self, labels_of: LabelLookup, placeholders: dict[int, str]) -> None:
        self.labels_of = labels_of
        self.placeholders = placeholders
        self.analysis = Analysis()

    def visit(self, node: pp.Expr) -> Labels:
        if isinstance(node, pp.VectorSelector):
            return self.selector(node)
        if isinstance(node, pp.MatrixSelector):
            labels = self.selector(node.vector_selector)
            self.range(node.range)
            return labels
        if isinstance(node, pp.SubqueryExpr):
            labels = self.visit(node.expr)
            self.range(node.range, node.step)
            return labels
        if isinstance(node, (pp.ParenExpr, pp.UnaryExpr)):
            return self.visit(node.expr)
        if isinstance(node, pp.BinaryExpr):
            return self.binary(node)
        if isinstance(node, pp.AggregateExpr):
            return self.aggregation(node)
        if isinstance(node, pp.Call):
            return self.function(node)
        return None  # number and string literals

    def range(self, window: timedelta | None, step: timedelta | None = None) -> None:
        text = self.duration(window)
        if step is not None:
            text += ":" + self.duration(step)
        self.analysis.ranges.append(text)

    def duration(self, value: timedelta | None) -> str:
        if value is None:
            return ""
        seconds = value.total_seconds()
        return self.placeholders.get(int(seconds), pp.display_duration(value))

    def selector(self, node: pp.VectorSelector) -> Labels:
        matchers = tuple(_matcher(m) for m in node.matchers.matchers)
        if node.name:
            matchers = tuple(m for m in matchers if m != Matcher("__name__", "=", node.name))
        self.analysis.selectors.append(Selector(node.name or "", matchers))
        return self.labels_of(node.name) if node.name else frozenset()

    def binary(self, node: pp.BinaryExpr) -> Labels:
        left, right = self.visit(node.lhs), self.visit(node.rhs)
        on: tuple[str, ...] | None = None
        modifier = node.modifier
        matching = modifier.matching if modifier is not None else None
        if modifier is not None and matching is not None and _includes(matching):
            on = tuple(matching.labels) + tuple(modifier.group_labels or ())
        return _combine(left, right, str(node.op), on)

    def aggregation(self, node: pp.AggregateExpr) -> Labels:
        start = len(self.analysis.selectors)
        if isinstance(node.param, pp.Expr):
            self.visit(node.param)
        inner = self.visit(node.expr) or frozenset()
        name = str(node.op)
        if name in {"topk", "bottomk", "limitk", "limit_ratio"}:
            return inner
        if node.modifier is None:
            return frozenset()
        labels = tuple(node.modifier.labels)
        metrics = tuple(s.metric for s in self.analysis.selectors[start:] if s.metric)
        without = node.modifier.type == pp.AggModifierType.Without
        self.analysis.groupings.append(Grouping(labels, without, metrics))
        return inner - frozenset(labels) if without else frozenset(labels)

    def function(self, node: pp.Call) -> Labels:
        start = len(self.analysis.selectors)
        vectors = [a for a in (self.visit(arg) for arg in node.args) if a is not None]
        name = node.func.name
        if name in {"scalar", "time", "pi"}:
            return None
        if name in {"absent", "absent_over_time"}:
            selected = self.analysis.selectors[start:]
            return frozenset(m.name for s in selected for m in s.matchers if m.op == "=")
        if name == "vector" or not vectors:
            return frozenset()
        if name == "histogram_quantile":
            return vectors[-1] - {"le"}
        return vectors[0]
