"""The HTML report (``verify_stack.html``), the page an SRE opens first: the verdict, the
diagnosis of every target that is not ok, every target with failing ones first and coloured by
status (full detail, never cut), the variable values chosen per dashboard, the panels plotted
over time with their units in words, the live-scrape and Prometheus-target tables.

Rendered from the Jinja2 template ``templates/verify_report.html.j2`` (package data).
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from kube_devops.notebook.plots import figure_png, plot_dashboard
from kube_devops.notebook.tables import metric_table, target_table
from kube_devops.notebook.units import unit_words
from kube_devops.verify.model import PanelCheck, Reason, Status
from kube_devops.verify.report import Report, fails

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("kube_devops.notebook", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
#: Order of the target table: what fails first, plain ok last.
_RANK = {"error": 0, "empty": 1, "warn": 2, "filtered": 3, "ok": 4}


def _css(panel: PanelCheck) -> str:
    if panel.reason == Reason.FILTERED_OUT:
        return "filtered"
    return str(panel.status)


def _where(panel: PanelCheck) -> str:
    where = f"{panel.row} / {panel.title}"
    return f"{panel.dashboard} / {where}" if panel.dashboard else where


def _row(p: PanelCheck, strict: bool) -> dict[str, Any]:
    return {
        "status": str(p.status), "reason": str(p.reason or ""), "where": _where(p),
        "unit": unit_words(p.unit), "series": p.series, "detail": p.detail, "expr": p.expr,
        "css": _css(p), "fails": fails(p, strict),
    }  # fmt: skip


def panel_rows(report: Report) -> list[dict[str, Any]]:
    """One row per target, failing first (error, empty, warn, filtered_out, ok), then in
    dashboard order."""
    rows = [_row(p, report.strict) for p in report.panels]
    return sorted(rows, key=lambda row: (not row["fails"], _RANK[row["css"]]))


def verdict(report: Report) -> str:
    """``33 panels: 33 ok`` or ``33 panels: 2 fail``."""
    if report.ok:
        return f"{len(report.panels)} panels: all return data"
    return f"{len(report.panels)} panels: {len(report.failing)} fail"


def _tables(report: Report) -> list[tuple[str, str]]:
    tables = []
    if report.metrics:
        tables.append(("Live /metrics against the catalog", metric_table(report)))
    tables.append(("Prometheus targets", target_table(report)))
    return [(heading, frame.to_html(index=False)) for heading, frame in tables]


def render_html(report: Report, title: str, timings: Mapping[str, float] | None = None) -> str:
    """The HTML document for ``report``."""
    rows = panel_rows(report)
    counts = Counter(str(p.status) for p in report.panels)
    png = base64.b64encode(figure_png(plot_dashboard(report.panels))).decode()
    return _ENV.get_template("verify_report.html.j2").render(
        title=title,
        ok=report.ok,
        verdict=verdict(report),
        counts=[(s.value, counts[s.value]) for s in Status if counts[s.value]],
        unchecked=list(report.unchecked),
        diagnosis=[row for row in rows if row["status"] != Status.OK],
        panels=rows,
        dashboards=report.to_json()["dashboards"],
        chart_png=png,
        tables=_tables(report),
        timings=dict(timings or {}),
    )


def write_html(
    report: Report, path: str | Path, title: str, timings: Mapping[str, float] | None = None
) -> Path:
    """Write :func:`render_html` to ``path`` and return it."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(report, title, timings), encoding="utf-8")
    return out
