"""The verification report: JSON for machines (a contract), pandas tables and text for people."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kube_devops.verify.model import PanelCheck
from kube_devops.verify.scrape import MetricCheck
from kube_devops.verify.variables import VariableCheck

FAILING = frozenset({"empty", "error"})


class VerificationFailedError(AssertionError):
    """Raised (by the notebook) when panels fail; the message lists each with its reason."""


@dataclass(slots=True)
class Report:
    """Everything the verifier found."""

    panels: list[PanelCheck]
    targets: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[MetricCheck] = field(default_factory=list)
    variables: list[VariableCheck] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    strict: bool = False
    #: Titles of panels that carry no Prometheus query (e.g. Loki or empty targets): not checked.
    unchecked: list[str] = field(default_factory=list)

    @property
    def failing(self) -> list[PanelCheck]:
        """Panels that fail: empty or error, and warn too when strict."""
        bad = FAILING | ({"warn"} if self.strict else set())
        return [p for p in self.panels if p.status in bad]

    @property
    def ok(self) -> bool:
        """True when no panel fails."""
        return not self.failing

    def to_json(self) -> dict[str, Any]:
        """The report contract: ok, panels, targets, metrics (plus variables and timings)."""
        return {
            "ok": self.ok,
            "panels": [p.to_json() for p in self.panels],
            "targets": [_target_json(t) for t in self.targets],
            "metrics": [asdict(m) for m in self.metrics],
            "variables": [asdict(v) for v in self.variables],
            "timings": dict(self.timings),
            "unchecked_panels": list(self.unchecked),
        }

    def write_json(self, path: str | Path) -> Path:
        """Write the JSON report to ``path`` and return it."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n")
        return out

    def panel_table(self) -> pd.DataFrame:
        """One row per panel target: row, title, status, reason, series, query ms, detail."""
        rows = [
            {
                "row": p.row,
                "title": p.title,
                "status": p.status,
                "reason": p.reason or "",
                "series": p.series,
                "query_ms": round(p.query_seconds * 1000, 1),
                "detail": p.detail,
                "expr": p.expr,
            }
            for p in self.panels
        ]
        return pd.DataFrame(rows, columns=_PANEL_COLUMNS)

    def metric_table(self) -> pd.DataFrame:
        """One row per catalog metric per component, from the live scrape."""
        return pd.DataFrame([asdict(m) for m in self.metrics])

    def variable_table(self) -> pd.DataFrame:
        """One row per template variable: its query, what it returned and the value used."""
        return pd.DataFrame([asdict(v) for v in self.variables])

    def target_table(self) -> pd.DataFrame:
        """One row per Prometheus target."""
        return pd.DataFrame([_target_json(t) for t in self.targets])

    def summary(self) -> str:
        """A few lines for people: counts per status and each failing panel with its reason."""
        counts: dict[str, int] = {}
        for panel in self.panels:
            counts[panel.status] = counts.get(panel.status, 0) + 1
        shown = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("ok", "warn", "empty", "error"))
        lines = [f"{len(self.panels)} panel queries: {shown}"]
        lines += [f"  FAIL {p.row} / {p.title}: {p.reason}: {p.detail}" for p in self.failing]
        if self.unchecked:
            lines.append(f"  not checked (no Prometheus query): {', '.join(self.unchecked)}")
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`VerificationFailedError` naming every failing panel."""
        if not self.ok:
            raise VerificationFailedError(self.summary())


_PANEL_COLUMNS = ["row", "title", "status", "reason", "series", "query_ms", "detail", "expr"]


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
