"""Just enough PromQL reading to diagnose an empty panel.

Finds the vector selectors of an expression (metric name and label matchers), its range windows,
and the labels a ``legendFormat`` names. Syntax errors are left to Prometheus to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<range>\[[^\]]*\])
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<number>[0-9][0-9A-Za-z.]*)
  | (?P<op>=~|!~|!=|==|>=|<=|[-+*/%^=<>(){},@])
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset(
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
        "bool", "offset", "inf", "nan", "atan2", "start", "end",
    }
)  # fmt: skip
_LABEL_LIST_KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_NOT_METRIC = frozenset({"(", "by", "without"})  # function call or aggregation
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_LEGEND = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Matcher:
    """A label matcher such as ``namespace=~"prod.*"``."""

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
    """One vector selector: a metric name (may be empty) and its label matchers."""

    metric: str
    matchers: tuple[Matcher, ...]

    @property
    def bare(self) -> str:
        """The selector for every series of the metric, ignoring label matchers."""
        return f'{{__name__="{self.metric}"}}'

    def __str__(self) -> str:
        inner = ",".join(str(m) for m in self.matchers)
        return f"{self.metric}{{{inner}}}" if inner else self.metric


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


def _tokens(expr: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        match = _TOKEN.match(expr, pos)
        if match is None:  # unknown character: let Prometheus report it
            pos += 1
            continue
        pos = match.end()
        kind = match.lastgroup or ""
        if kind != "space":
            out.append((kind, match.group()))
    return out


def _unquote(text: str) -> str:
    if text.startswith("`"):
        return text[1:-1]
    return bytes(text[1:-1], "utf-8").decode("unicode_escape")


def _matchers(tokens: list[tuple[str, str]], start: int) -> tuple[tuple[Matcher, ...], int]:
    found: list[Matcher] = []
    i = start + 1
    while i < len(tokens) and tokens[i][1] != "}":
        if i + 2 < len(tokens) and tokens[i + 2][0] == "string":
            found.append(Matcher(tokens[i][1], tokens[i + 1][1], _unquote(tokens[i + 2][1])))
            i += 3
        else:
            i += 1
    return tuple(found), i + 1


def selectors(expr: str) -> tuple[Selector, ...]:
    """Every vector selector in ``expr``, in order (``{__name__=...}`` becomes the metric)."""
    tokens = _tokens(expr)
    found: list[Selector] = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if kind == "ident" and text in _LABEL_LIST_KEYWORDS and after == "(":
            while i < len(tokens) and tokens[i][1] != ")":
                i += 1
        elif kind == "ident" and text.lower() not in _KEYWORDS and after not in _NOT_METRIC:
            matchers: tuple[Matcher, ...] = ()
            if after == "{":
                matchers, i = _matchers(tokens, i + 1)
                i -= 1
            found.append(Selector(text, matchers))
        elif text == "{":
            matchers, i = _matchers(tokens, i)
            i -= 1
            name = next((m.value for m in matchers if m.name == "__name__" and m.op == "="), "")
            rest = tuple(m for m in matchers if m.name != "__name__")
            found.append(Selector(name, rest))
        i += 1
    return tuple(found)


def range_windows(expr: str) -> tuple[float, ...]:
    """The range windows (``[5m]``, and the range of ``[5m:1m]`` subqueries) in seconds."""
    windows: list[float] = []
    for kind, text in _tokens(expr):
        if kind == "range":
            window = text[1:-1].split(":", 1)[0].strip()
            try:
                windows.append(parse_duration(window))
            except ValueError:
                continue
    return tuple(windows)


def legend_labels(legend: str) -> tuple[str, ...]:
    """The labels a ``legendFormat`` names (``{{namespace}}/{{policy}}`` -> namespace, policy)."""
    return tuple(dict.fromkeys(_LEGEND.findall(legend)))
