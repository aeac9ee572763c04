"""Shared value types of the verifier: statuses and reasons, the query window, verdicts and
per-target results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kube_devops.verify.plan import Repeat

Series = dict[str, Any]


class Status(StrEnum):
    """How a panel target fared."""

    OK = "ok"
    WARN = "warn"
    EMPTY = "empty"
    ERROR = "error"


class Reason(StrEnum):
    """Why a panel target is not plainly ok."""

    METRIC_MISSING = "metric_missing"
    LABEL_MISMATCH = "label_mismatch"
    WINDOW_TOO_SHORT = "window_too_short"
    TARGET_DOWN = "target_down"
    LEGEND_LABEL_MISSING = "legend_label_missing"
    QUERY_ERROR = "query_error"
    FILTERED_OUT = "filtered_out"
    STALE = "stale"
    ALL_ZERO = "all_zero"


@dataclass(frozen=True, slots=True)
class Window:
    """Where and how finely one target is queried, and what Prometheus scrapes."""

    start: float
    end: float
    step: float
    scrape_seconds: float
    targets: Sequence[dict[str, Any]] = ()
    instant_only: bool = False
    """Grafana runs only the instant query at ``end``: only samples there count."""


@dataclass(slots=True)
class PanelCheck:
    """The verdict on one panel target; ``to_json`` gives the report contract's fields."""

    row: str
    title: str
    expr: str
    """The final query as run."""
    status: Status
    reason: Reason | None
    detail: str
    series: int
    legend: str = ""
    panel_type: str = ""
    unit: str = ""
    query_seconds: float = 0.0
    range_result: list[Series] = field(default_factory=list)
    dashboard: str = ""
    template: str = ""
    """The expression as written in the dashboard."""
    repeat: Repeat | None = None

    def to_json(self) -> dict[str, Any]:
        """The panel entry of the JSON report, exactly as the contract names it."""
        entry: dict[str, Any] = {
            "dashboard": self.dashboard,
            "row": self.row,
            "title": self.title,
            "template": self.template,
            "expr": self.expr,
            "status": str(self.status),
            "reason": None if self.reason is None else str(self.reason),
            "detail": self.detail,
            "series": self.series,
        }
        if self.repeat is not None:
            entry["repeat"] = {"variable": self.repeat.variable, "value": self.repeat.value}
        return entry


@dataclass(frozen=True, slots=True)
class TargetVerdict:
    """Status, reason and detail before they are attached to a panel."""

    status: Status
    reason: Reason | None
    detail: str
