"""A self-contained HTML export of a verification: summary, timings, per-panel table, diagnosis
of failing panels, the dashboard-mirroring plots, the live-scrape and target tables."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from pathlib import Path

from kube_devops.verify.plots import figure_png, plot_dashboard
from kube_devops.verify.report import Report

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}"
    "td,th{border:1px solid #ccc;padding:2px 6px}.ok{color:green}.fail{color:#b00}"
)


def render_html(report: Report, title: str, timings: Mapping[str, float] | None = None) -> str:
    """The HTML document for ``report``."""
    verdict = "all panels return data" if report.ok else f"{len(report.failing)} panel(s) fail"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
        f"<p class='{'ok' if report.ok else 'fail'}'><b>{html.escape(verdict)}</b></p>",
        f"<pre>{html.escape(report.summary())}</pre>",
    ]
    if timings:
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{v:.3f} s</td></tr>" for k, v in timings.items()
        )
        parts.append(f"<h2>Timings</h2><table>{rows}</table>")
    if report.dashboards:
        parts.append("<h2>Dashboards</h2>" + _dashboards_html(report))
    parts.append("<h2>Panels</h2>" + report.panel_table().to_html(index=False))
    png = base64.b64encode(figure_png(plot_dashboard(report.panels))).decode()
    parts.append(f"<h2>Dashboard</h2><img src='data:image/png;base64,{png}'/>")
    if report.metrics:
        parts.append("<h2>Live /metrics against the catalog</h2>")
        parts.append(report.metric_table().to_html(index=False))
    parts.append("<h2>Prometheus targets</h2>" + report.target_table().to_html(index=False))
    parts.append("</body></html>")
    return "\n".join(parts)


def _dashboards_html(report: Report) -> str:
    """Per dashboard: where it came from, whether it passes, the variable values chosen and the
    targets not checked."""
    rows = []
    for entry in report.to_json()["dashboards"]:
        chosen = ", ".join(f"{k}={'|'.join(v)}" for k, v in entry["variables"].items())
        unchecked = "; ".join(
            f"{u['title']} ({u['datasource_type']}): {u['reason']}" for u in entry["unchecked"]
        )
        cells = (entry["title"], entry["file"], "ok" if entry["ok"] else "FAIL", chosen, unchecked)
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "<tr><th>title</th><th>file</th><th>ok</th><th>variables</th><th>not checked</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def write_html(
    report: Report, path: str | Path, title: str, timings: Mapping[str, float] | None = None
) -> Path:
    """Write :func:`render_html` to ``path`` and return it."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(report, title, timings), encoding="utf-8")
    return out
