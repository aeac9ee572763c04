"""What the verifier will run: every panel target of every dashboard, interpolated the way Grafana
runs it (template variables, repeats, per-panel interval and step, data source), as plain values.

Planning (loading dashboards, resolving variables, repeats, intervals, data sources) produces these
values; judging (queries, diagnosis, report) consumes them. Nothing here does I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum


class VariableStatus(StrEnum):
    """How a template variable's query fared."""

    OK = "ok"
    EMPTY = "empty"
    ERROR = "error"
    SKIPPED = "skipped"
    """Not resolved (ad hoc filters, non-Prometheus queries): its saved value is used."""


@dataclass(frozen=True, slots=True)
class Repeat:
    """The value a repeated panel or row was expanded with."""

    variable: str
    value: str


@dataclass(frozen=True, slots=True)
class QueryWindow:
    """The time frame and resolution of one target's queries, as Grafana computes them."""

    start: float
    """Epoch seconds: the dashboard time range's start."""
    end: float
    """Epoch seconds: the dashboard time range's end (the instant query runs here)."""
    step: float
    """Seconds between points of the range query (Grafana's query step)."""
    interval: float
    """Grafana's ``$__interval`` for this target, in seconds."""
    scrape: float
    """The data source's scrape interval in seconds (the floor of ``$__rate_interval``)."""
    rate_interval: float = 0.0
    """Grafana's ``$__rate_interval`` for this target, in seconds."""

    @property
    def range_start(self) -> float:
        """Where Grafana's range query starts: ``start`` rounded down to a multiple of ``step``
        (``AlignTimeRange`` in Grafana's Prometheus back end, UTC)."""
        return math.floor(self.start / self.step) * self.step if self.step > 0 else self.start

    @property
    def range_end(self) -> float:
        """Where Grafana's range query ends: ``end`` rounded down to a multiple of ``step``."""
        return math.floor(self.end / self.step) * self.step if self.step > 0 else self.end


@dataclass(frozen=True, slots=True)
class QueryTarget:
    """One Prometheus query exactly as Grafana would run it for one panel target."""

    dashboard: str
    """Title of the dashboard."""
    row: str
    title: str
    """Panel title after interpolation (repeated panels carry their value)."""
    panel_type: str
    unit: str
    ref_id: str
    template: str
    """The expression as written in the dashboard."""
    expr: str
    """The final query as run: every variable and built-in interpolated."""
    legend: str
    """``legendFormat`` after interpolation."""
    window: QueryWindow
    instant: bool = False
    """Grafana runs only an instant query (``instant`` set and ``range`` not)."""
    repeat: Repeat | None = None
    error: str | None = None
    """Set when the target cannot be run as written (an undefined variable, ...): the reason."""


@dataclass(frozen=True, slots=True)
class UncheckedTarget:
    """A panel target that is not PromQL (Loki, TestData, expressions, ...): listed, never run."""

    dashboard: str
    row: str
    title: str
    ref_id: str
    datasource_type: str
    """The plugin type (``loki``, ``testdata``, ``__expr__``) or ``unknown``."""
    reason: str
    """Why it is not checked, and how to make it checked when it could be."""


@dataclass(frozen=True, slots=True)
class VariableChoice:
    """What one template variable's query returned and the value(s) the panels use."""

    name: str
    type: str
    query: str
    """The variable's query after interpolation of the variables it depends on."""
    status: VariableStatus
    detail: str
    values: tuple[str, ...]
    """Every option's value, after regex and sort."""
    chosen: tuple[str, ...]
    """The value(s) used; ``("$__all",)`` when All is chosen."""
    text: str = ""
    """What Grafana shows in the variable picker for the chosen value(s)."""


@dataclass(slots=True)
class PlannedDashboard:
    """One dashboard, ready to judge."""

    title: str
    uid: str
    file: str
    """Where it was found (file path, with ``#key`` for a ConfigMap data key)."""
    variables: list[VariableChoice] = field(default_factory=list)
    targets: list[QueryTarget] = field(default_factory=list)
    unchecked: list[UncheckedTarget] = field(default_factory=list)
    panels_without_targets: list[str] = field(default_factory=list)
    """Titles of panels with no query at all (text panels are not listed)."""
