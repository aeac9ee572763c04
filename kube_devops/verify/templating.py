"""Template-variable substitution the way Grafana's Prometheus data source does it.

Handles ``$var``, ``${var}``, ``${var:format}`` and ``[[var]]``; "All" becomes the variable's
``allValue`` or ``.*``; several values become ``(a|b)``. Built-ins: ``$__interval`` (the range
step), ``$__rate_interval`` = max(``$__interval`` + scrape interval, 4 x scrape interval) as in
Grafana, ``$__range`` and their ``_ms`` / ``_s`` forms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kube_devops.core.promql import format_duration

_REFERENCE = re.compile(
    r"\$\{(?P<braced>[A-Za-z_]\w*)(?::[^}]*)?\}|\[\[(?P<bracket>[A-Za-z_]\w*)(?::[^\]]*)?\]\]"
    r"|\$(?P<plain>[A-Za-z_]\w*)"
)
_REGEX_SPECIAL = re.compile(r"([\\^$*+?.()|{}\[\]])")


@dataclass(frozen=True, slots=True)
class TimeContext:
    """The time frame queries run over."""

    range_seconds: float
    """Length of the range query (the dashboard's time range)."""
    step_seconds: float
    """Resolution of the range query; Grafana's ``$__interval``."""
    scrape_seconds: float
    """Scrape interval of the targets, Grafana's data source "scrape interval" setting."""

    @property
    def rate_interval(self) -> float:
        """Grafana's ``$__rate_interval``: max(interval + scrape, 4 x scrape)."""
        return max(self.step_seconds + self.scrape_seconds, 4 * self.scrape_seconds)


def step_for(range_seconds: float, scrape_seconds: float, max_points: int = 200) -> float:
    """The range step Grafana would pick: range / points, never finer than one scrape."""
    return float(max(scrape_seconds, round(range_seconds / max_points)))


@dataclass(frozen=True, slots=True)
class Resolved:
    """The chosen value(s) of one variable."""

    values: tuple[str, ...]
    is_all: bool = False
    all_value: str | None = None
    regex: bool = False
    """Multi-value or include-All variables are rendered as regular expressions."""

    def render(self) -> str:
        """The text put in place of the variable reference."""
        if self.is_all:
            return self.all_value or ".*"
        if not self.regex:
            return self.values[0].replace("\\", "\\\\").replace("'", "\\'") if self.values else ""
        escaped = [_REGEX_SPECIAL.sub(r"\\\\\1", v) for v in self.values]
        return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def builtins(ctx: TimeContext) -> dict[str, str]:
    """Grafana's global variables for a time frame."""
    return {
        "__interval": format_duration(ctx.step_seconds),
        "__interval_ms": str(round(ctx.step_seconds * 1000)),
        "__rate_interval": format_duration(ctx.rate_interval),
        "__rate_interval_ms": str(round(ctx.rate_interval * 1000)),
        "__range": format_duration(ctx.range_seconds),
        "__range_s": str(round(ctx.range_seconds)),
        "__range_ms": str(round(ctx.range_seconds * 1000)),
    }


def substitute(
    text: str, variables: Mapping[str, Resolved], ctx: TimeContext
) -> tuple[str, tuple[str, ...]]:
    """``text`` with every known reference replaced, and the names of unknown references."""
    known = builtins(ctx)
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bracket") or match.group("plain") or ""
        if name in known:
            return known[name]
        if name in variables:
            return variables[name].render()
        unknown.append(name)
        return match.group(0)

    return _REFERENCE.sub(replace, text), tuple(dict.fromkeys(unknown))
