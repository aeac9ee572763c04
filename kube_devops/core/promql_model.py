"""What the PromQL reader finds in a query: matchers, selectors, groupings and their labels."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: Labels of a vector result; ``None`` for scalars and strings.
Labels = frozenset[str] | None
LabelLookup = Callable[[str], frozenset[str]]


class PromQLSyntaxError(ValueError):
    """The expression could not be read; the message names the position."""


def _fullmatch(pattern: str, value: str) -> bool:
    """Prometheus's anchored RE2 match. RE2 accepts a few forms Python's ``re`` rejects (inline
    flags after the start): those are tried with the flags moved to the front."""
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:
        flags = "".join(re.findall(r"\(\?([imsU]+)\)", pattern)).replace("U", "")
        bare = re.sub(r"\(\?[imsU]+\)", "", pattern)
        try:
            return re.fullmatch(f"(?{flags})" + bare if flags else bare, value) is not None
        except re.error:
            return False


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
        found = _fullmatch(self.value, value)
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        return f'{self.name}{self.op}"{self.value}"'


@dataclass(frozen=True, slots=True)
class Selector:
    """A vector selector: a series name (``""`` when only matchers) and its matchers."""

    metric: str
    matchers: tuple[Matcher, ...]

    @property
    def name_matchers(self) -> tuple[Matcher, ...]:
        """What selects the series name: ``__name__="metric"``, or the ``__name__`` matchers of a
        nameless selector (``{__name__=~"a|b"}``); ``()`` for ``{job="x"}``."""
        if self.metric:
            return (Matcher("__name__", "=", self.metric),)
        return tuple(m for m in self.matchers if m.name == "__name__")

    @property
    def label_matchers(self) -> tuple[Matcher, ...]:
        """The matchers on labels other than the series name."""
        return tuple(m for m in self.matchers if m.name != "__name__")

    @property
    def bare(self) -> str:
        """The selector for every series of the name(s) selected, ignoring label matchers;
        ``""`` when the selector names no series name at all."""
        inner = ",".join(str(m) for m in self.name_matchers)
        return f"{{{inner}}}" if inner else ""

    @property
    def what(self) -> str:
        """How to name what it selects in a message: the metric, or its name matchers."""
        return self.metric or str(Selector("", self.name_matchers or self.matchers))

    def named(self) -> Selector:
        """This selector with a nameless ``{__name__="x", ...}`` read as ``x{...}``."""
        if self.metric:
            return self
        name = next((m for m in self.matchers if m.name == "__name__" and m.op == "="), None)
        if name is None:
            return self
        return Selector(name.value, tuple(m for m in self.matchers if m is not name))

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
