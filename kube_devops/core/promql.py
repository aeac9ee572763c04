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
from collections.abc import Callable
from dataclasses import dataclass, field

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
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_LEGEND = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$labels\.([A-Za-z_][A-Za-z0-9_]*)")

#: Labels of a vector result; ``None`` for scalars and strings.
Labels = frozenset[str] | None
LabelLookup = Callable[[str], frozenset[str]]


class PromQLSyntaxError(ValueError):
    """The expression could not be read; the message names the position."""


@dataclass(frozen=True, slots=True)
class Matcher:
    """One ``name op "value"`` inside a selector's braces, such as ``namespace=~"prod.*"``."""

    name: str
    op: str
    value: str

    def matches(self, value: str) -> bool:
        """Whether a label value (``""`` when absent) satisfies this matcher."""
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        found = re.fullmatch(self.value, value) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        return f'{self.name}{self.op}"{self.value}"'


@dataclass(frozen=True, slots=True)
class Selector:
    """A vector selector: a series name (``""`` when only matchers) and its matchers."""

    metric: str
    matchers: tuple[Matcher, ...]

    @property
    def bare(self) -> str:
        """The selector for every series of the metric, ignoring label matchers."""
        return f'{{__name__="{self.metric}"}}'

    def named(self) -> Selector:
        """This selector with a nameless ``{__name__="x", ...}`` read as ``x{...}``."""
        if self.metric:
            return self
        name = next((m.value for m in self.matchers if m.name == "__name__" and m.op == "="), "")
        return Selector(name, tuple(m for m in self.matchers if m.name != "__name__"))

    def __str__(self) -> str:
        inner = ",".join(str(m) for m in self.matchers)
        return f"{self.metric}{{{inner}}}" if inner else self.metric


@dataclass(frozen=True, slots=True)
class Grouping:
    """The labels of one ``by``/``without`` clause and the series names it aggregates."""

    labels: tuple[str, ...]
    without: bool
    metrics: tuple[str, ...]


@dataclass(slots=True)
class Analysis:
    """What a query selects and relies on."""

    selectors: list[Selector] = field(default_factory=list)
    groupings: list[Grouping] = field(default_factory=list)
    result_labels: Labels = None
    #: Text inside every range bracket, in order: ``5m``, ``10m:1m``, ``$__rate_interval``.
    ranges: list[str] = field(default_factory=list)

    @property
    def metrics(self) -> frozenset[str]:
        """Every series name selected anywhere in the query."""
        return frozenset(s.metric for s in self.selectors if s.metric)


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


def _no_labels(_: str) -> frozenset[str]:
    return frozenset()


def analyze(expr: str, labels_of: LabelLookup = _no_labels) -> Analysis:
    """Read ``expr``; ``labels_of(series_name)`` gives the labels a selected series carries."""
    parser = _Parser(tokenize(expr), labels_of)
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


class _Parser:
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
