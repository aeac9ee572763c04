"""The verification report: JSON for machines (a contract), rows and text for people (the notebooks
turn the rows into tables: ``kube_devops.notebook.tables``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kube_devops.verify.model import PanelCheck, Reason, Status
from kube_devops.verify.plan import UncheckedTarget, VariableChoice
from kube_devops.verify.scrape import MetricCheck

FAILING = frozenset({Status.EMPTY, Status.ERROR})


class VerificationFailedError(AssertionError):
    """Raised (by the notebook) when panels fail; the message lists each with its reason."""


def fails(panel: PanelCheck, strict: bool) -> bool:
    """Empty and error fail, except ``filtered_out``; with ``strict`` warn and filtered_out too."""
    if strict:
        return panel.status != Status.OK
    return panel.status in FAILING and panel.reason != Reason.FILTERED_OUT


@dataclass(slots=True)
class DashboardCheck:
    """One dashboard's part of the report: where it came from, the variable values chosen, its
    targets' verdicts and the targets not checked."""

    title: str
    uid: str
    file: str
    variables: list[VariableChoice] = field(default_factory=list)
    panels: list[PanelCheck] = field(default_factory=list)
    unchecked: list[UncheckedTarget] = field(default_factory=list)
    panels_without_targets: list[str] = field(default_factory=list)

    def to_json(self, strict: bool) -> dict[str, Any]:
        """The ``dashboards[]`` entry of the JSON report."""
        return {
            "title": self.title,
            "uid": self.uid,
            "file": self.file,
            "ok": not any(fails(p, strict) for p in self.panels),
            "variables": {v.name: list(v.chosen) for v in self.variables},
            "unchecked": [asdict(u) for u in self.unchecked],
        }


@dataclass(slots=True)
class Report:
    """Everything the verifier found."""

    panels: list[PanelCheck]
    targets: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[MetricCheck] = field(default_factory=list)
    variables: list[VariableChoice] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    strict: bool = False
    #: Titles of panels that carry no Prometheus query (e.g. Loki or empty targets): not checked.
    unchecked: list[str] = field(default_factory=list)
    dashboards: list[DashboardCheck] = field(default_factory=list)

    @property
    def failing(self) -> list[PanelCheck]:
        """Panels that fail: empty or error (not filtered_out), and the rest too when strict."""
        return [p for p in self.panels if fails(p, self.strict)]

    @property
    def ok(self) -> bool:
        """True when no panel fails."""
        return not self.failing

    def to_json(self) -> dict[str, Any]:
        """The report contract: ok, panels, targets, metrics, variables, timings, unchecked
        panels and the per-dashboard summaries."""
        return {
            "ok": self.ok,
            "panels": [p.to_json() for p in self.panels],
            "targets": [_target_json(t) for t in self.targets],
            "metrics": [asdict(m) for m in self.metrics],
            "variables": [_variable_json(v, d) for d, v in self._variables()],
            "timings": dict(self.timings),
            "unchecked_panels": list(self.unchecked),
            "dashboards": [d.to_json(self.strict) for d in self.dashboards],
        }

    def write_json(self, path: str | Path) -> Path:
        """Write the JSON report to ``path`` and return it."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n")
        return out

    def panel_rows(self) -> list[dict[str, Any]]:
        """One row per panel target: dashboard, row, title, status, reason, series, query ms,
        detail and the final query (the keys of ``PANEL_COLUMNS``)."""
        return [
            {
                "dashboard": p.dashboard, "row": p.row, "title": p.title, "status": str(p.status),
                "reason": str(p.reason or ""), "series": p.series,
                "query_ms": round(p.query_seconds * 1000, 1), "detail": p.detail, "expr": p.expr,
            }
            for p in self.panels
        ]  # fmt: skip

    def metric_rows(self) -> list[dict[str, Any]]:
        """One row per catalog metric per component, from the live scrape."""
        return [asdict(m) for m in self.metrics]

    def variable_rows(self) -> list[dict[str, Any]]:
        """One row per template variable: its query, what it returned and the value used."""
        return [_variable_json(v, d) for d, v in self._variables()]

    def target_rows(self) -> list[dict[str, Any]]:
        """One row per Prometheus target."""
        return [_target_json(t) for t in self.targets]

    def summary(self) -> str:
        """A few lines for people: counts per status and each failing panel with its reason."""
        counts: dict[str, int] = {}
        for panel in self.panels:
            counts[panel.status] = counts.get(panel.status, 0) + 1
        shown = ", ".join(f"{counts.get(s, 0)} {s}" for s in Status)
        lines = [f"{len(self.panels)} panel queries: {shown}"]
        lines += [f"  FAIL {_where(p)}: {p.reason}: {p.detail}" for p in self.failing]
        if self.unchecked:
            lines.append(f"  not checked (no Prometheus query): {', '.join(self.unchecked)}")
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`VerificationFailedError` naming every failing panel."""
        if not self.ok:
            raise VerificationFailedError(self.summary())

    def _variables(self) -> Sequence[tuple[str, VariableChoice]]:
        if self.dashboards:
            return [(d.title, v) for d in self.dashboards for v in d.variables]
        return [("", v) for v in self.variables]


#: The columns of ``panel_rows``, in order.
PANEL_COLUMNS = [
    "dashboard", "row", "title", "status", "reason", "series", "query_ms", "detail", "expr"
]  # fmt: skip


def _where(panel: PanelCheck) -> str:
    where = f"{panel.row} / {panel.title}"
    return f"{panel.dashboard}: {where}" if panel.dashboard else where


def _variable_json(variable: VariableChoice, dashboard: str) -> dict[str, Any]:
    return {"dashboard": dashboard, **asdict(variable)}


def _target_json(target: dict[str, Any]) -> dict[str, Any]:
    labels = target.get("labels") or {}
    return {
        "job": labels.get("job", ""),
        "instance": labels.get("instance", ""),
        "health": target.get("health", "unknown"),
        "scrape_url": target.get("scrapeUrl", ""),
        "scrape_interval": target.get("scrapeInterval", ""),
        "last_error": target.get("lastError", ""),
        "labels": dict(labels),
    }
