"""Tokenizer and recursive-descent reader behind :func:`kube_devops.core.promql.analyze`."""

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

AGGREGATIONS = frozenset(
    {"sum", "min", "max", "avg", "count", "stddev", "stdvar", "group", "topk", "bottomk"}
    | {"quantile", "count_values", "limitk"}
)
_KEYWORD_OPS = frozenset({"and", "or", "unless", "atan2"})
_TOKEN = re.compile(
    r"""
      (?P<skip>\s+|\#[^\n]*)
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
    | (?P<range>\[[^\]]*\])
    | (?P<dur>(?:\d+(?:ms|s|m|h|d|w|y))+(?![A-Za-z0-9_:]))
    | (?P<num>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
    | (?P<op>==|!=|=~|!~|>=|<=|[-+*/%^<>=@])
    | (?P<punct>[(){},])
    """,
    re.VERBOSE,
)


def tokenize(expr: str) -> list[tuple[str, str]]:
    """``(kind, text)`` tokens; raises :class:`PromQLSyntaxError` on an unknown character."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        match = _TOKEN.match(expr, pos)
        if match is None or match.lastgroup is None:
            raise PromQLSyntaxError(f"unexpected character {expr[pos]!r} at {pos}")
        if match.lastgroup != "skip":
            tokens.append((match.lastgroup, match.group(match.lastgroup)))
        pos = match.end()
    return tokens


def _unquote(text: str) -> str:
    if text.startswith("`"):
        return text[1:-1]
    return bytes(text[1:-1], "utf-8").decode("unicode_escape")


def _combine(left: Labels, right: Labels, op: str, on: tuple[str, ...] | None) -> Labels:
    if left is None or right is None:
        return right if left is None else left
    if op in {"and", "unless"}:
        return left
    if on is not None:
        return frozenset(on)
    return left & right


class Parser:
    """Recursive descent over the tokens; precedence is ignored (label sets do not need it)."""

    def __init__(self, tokens: list[tuple[str, str]], labels_of: LabelLookup) -> None:
        self.tokens = tokens
        self.pos = 0
        self.labels_of = labels_of
        self.analysis = Analysis()

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def kind(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        text = self.peek()
        if text is None or (expected is not None and text != expected):
            raise PromQLSyntaxError(f"expected {expected or 'more input'!r}, found {text!r}")
        self.pos += 1
        return text

    def expression(self) -> Labels:
        left = self.unary()
        while self.kind() == "op" or self.peek() in _KEYWORD_OPS:
            op = self.take()
            if self.peek() == "bool":
                self.take()
            on = self.matching()
            left = _combine(left, self.unary(), op, on)
        return left

    def matching(self) -> tuple[str, ...] | None:
        on: tuple[str, ...] | None = None
        if self.peek() in {"on", "ignoring"}:
            keyword = self.take()
            labels = self.label_list()
            on = labels if keyword == "on" else None
        if self.peek() in {"group_left", "group_right"}:
            self.take()
            extra = self.label_list() if self.peek() == "(" else ()
            on = None if on is None else on + extra
        return on

    def unary(self) -> Labels:
        if self.peek() in {"-", "+"}:
            self.take()
            return self.unary()
        return self.postfix(self.primary())

    def postfix(self, labels: Labels) -> Labels:
        """Subquery ranges and ``offset``/``@`` modifiers; they keep the labels."""
        while self.kind() == "range" or self.peek() in {"offset", "@"}:
            if self.kind() == "range":
                self.analysis.ranges.append(self.take()[1:-1])
                continue
            modifier = self.take()
            if self.peek() in {"-", "+"}:
                self.take()
            if modifier == "@" and self.peek() in {"start", "end"}:
                self.take()
                self.take("(")
                self.take(")")
            else:
                self.take()
        return labels

    def primary(self) -> Labels:
        kind, text = self.kind(), self.peek()
        if kind in {"num", "str", "dur"} or (text or "").lower() in {"inf", "nan"}:
            self.take()
            return None
        if text == "(":
            self.take()
            inner = self.expression()
            self.take(")")
            return inner
        if text == "{":
            return self.selector("")
        if kind != "ident":
            raise PromQLSyntaxError(f"unexpected {text!r}")
        name = self.take()
        if name in AGGREGATIONS:
            return self.aggregation(name)
        if self.peek() == "(":
            return self.function(name)
        return self.selector(name)

    def selector(self, metric: str) -> Labels:
        matchers: list[Matcher] = []
        if self.peek() == "{":
            self.take()
            while self.peek() != "}":
                label = self.take()
                op = self.take()
                matchers.append(Matcher(label, op, _unquote(self.take())))
                if self.peek() == ",":
                    self.take()
            self.take("}")
        if self.kind() == "range":
            self.analysis.ranges.append(self.take()[1:-1])
        self.analysis.selectors.append(Selector(metric, tuple(matchers)))
        return self.labels_of(metric) if metric else frozenset()

    def label_list(self) -> tuple[str, ...]:
        self.take("(")
        labels: list[str] = []
        while self.peek() != ")":
            labels.append(self.take())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return tuple(labels)

    def arguments(self) -> list[Labels]:
        self.take("(")
        args: list[Labels] = []
        while self.peek() != ")":
            args.append(self.expression())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return args

    def aggregation(self, name: str) -> Labels:
        start = len(self.analysis.selectors)
        clause: tuple[str, tuple[str, ...]] | None = None
        if self.peek() in {"by", "without"}:
            clause = (self.take(), self.label_list())
        args = self.arguments()
        if clause is None and self.peek() in {"by", "without"}:
            clause = (self.take(), self.label_list())
        inner = next((a for a in reversed(args) if a is not None), frozenset())
        if name in {"topk", "bottomk", "limitk"}:
            return inner
        if clause is None:
            return frozenset()
        metrics = tuple(s.metric for s in self.analysis.selectors[start:] if s.metric)
        without = clause[0] == "without"
        self.analysis.groupings.append(Grouping(clause[1], without, metrics))
        return inner - frozenset(clause[1]) if without else frozenset(clause[1])

    def function(self, name: str) -> Labels:
        start = len(self.analysis.selectors)
        args = self.arguments()
        vectors = [a for a in args if a is not None]
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
