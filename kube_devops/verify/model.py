"""Shared value types of the verifier: the query window, verdicts and per-panel results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Series = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Window:
    """Where and how finely panels are queried, and what Prometheus scrapes."""

    start: float
    end: float
    step: float
    scrape_seconds: float
    targets: Sequence[dict[str, Any]] = ()


@dataclass(slots=True)
class PanelCheck:
    """The verdict on one panel target; ``to_json`` gives the report contract's fields."""

    row: str
    title: str
    expr: str
    status: str
    reason: str | None
    detail: str
    series: int
    legend: str = ""
    panel_type: str = ""
    unit: str = ""
    query_seconds: float = 0.0
    range_result: list[Series] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The panel entry of the JSON report, exactly as the contract names it."""
        return {
            "row": self.row,
            "title": self.title,
            "expr": self.expr,
            "status": self.status,
            "reason": self.reason,
            "detail": self.detail,
            "series": self.series,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """Status, reason and detail before they are attached to a panel."""

    status: str
    reason: str | None
    detail: str
