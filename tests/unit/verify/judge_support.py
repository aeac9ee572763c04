"""A Prometheus stand-in for the judging unit tests: canned answers per query text, every call
recorded. The texts are the exact queries the judge is expected to send, written by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kube_devops.verify.client import Result
from kube_devops.verify.diagnose import judge
from kube_devops.verify.model import PanelCheck
from kube_devops.verify.plan import QueryTarget, QueryWindow, Repeat

START, END, STEP, SCRAPE = 1000.0, 1600.0, 15.0, 15.0
WINDOW = QueryWindow(START, END, STEP, 30.0, SCRAPE)


@dataclass
class CannedProm:
    """Answers ``instant``/``range``/``series``/``label_values`` from dictionaries."""

    instant_results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    range_results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    series_results: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)
    window: QueryWindow = WINDOW
    calls: list[tuple[str, str]] = field(default_factory=list)

    def instant(self, expr: str, at: float | None = None) -> Result:
        self.calls.append(("instant", expr))
        return Result(self.instant_results.get(expr, []), 0.002)

    def range(self, expr: str, start: float, end: float, step: float) -> Result:
        self.calls.append(("range", expr))
        expected = (self.window.start, self.window.end, self.window.step)
        assert (start, end, step) == expected, "the target's own window"
        return Result(self.range_results.get(expr, []), 0.003)

    def series(self, match: str, start: float, end: float) -> list[dict[str, str]]:
        self.calls.append(("series", match))
        return self.series_results.get(match, [])

    def label_values(self, label: str) -> list[str]:
        self.calls.append(("label_values", label))
        return self.labels.get(label, [])


def judge_canned(
    prom: CannedProm, planned: QueryTarget, targets: Sequence[dict[str, Any]]
) -> PanelCheck:
    """``judge`` answered by ``prom``, which offers the ``PromClient`` methods judge calls."""
    return judge(prom, planned, targets)  # type: ignore[arg-type]  # a duck-typed PromClient


def target(expr: str, *, instant: bool = False, legend: str = "", **extra: Any) -> QueryTarget:
    """A planned target of the dashboard "Node" over ``WINDOW``."""
    values: dict[str, Any] = {
        "dashboard": "Node", "row": "CPU", "title": "Busy", "panel_type": "timeseries",
        "unit": "", "ref_id": "A", "template": expr, "expr": expr, "legend": legend,
        "window": WINDOW, "instant": instant,
    }  # fmt: skip
    values.update(extra)
    return QueryTarget(**values)


def points(*pairs: tuple[float, str]) -> list[list[Any]]:
    return [[t, v] for t, v in pairs]


def series(labels: dict[str, str], *pairs: tuple[float, str]) -> dict[str, Any]:
    return {"metric": labels, "values": points(*pairs)}


def sample(labels: dict[str, str], value: str) -> dict[str, Any]:
    return {"metric": labels, "value": [END, value]}


REPEAT = Repeat("instance", "node-a:9100")
