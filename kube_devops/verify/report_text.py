"""The report for a terminal: per dashboard the variable values chosen, a table of its targets that
fits the terminal width, and for every target that is not ok its final query as run."""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from kube_devops.verify.model import PanelCheck, Status
from kube_devops.verify.report import DashboardCheck, Report

_COLUMNS = ("row", "title", "status", "reason", "series", "detail")
#: Columns that give up width first when the table is too wide, in that order.
_SHRINKABLE = ("detail", "title", "row", "reason")
_MIN_WIDTH = 6


def render(report: Report, width: int | None = None) -> str:
    """Every dashboard of ``report``, then the summary; ``width`` defaults to the terminal's."""
    columns = width or shutil.get_terminal_size().columns
    parts = [_dashboard_text(d, columns) for d in report.dashboards]
    parts.append(report.summary())
    return "\n\n".join(parts)


def _dashboard_text(dashboard: DashboardCheck, width: int) -> str:
    lines = [f"== {dashboard.title} ({dashboard.file})"]
    chosen = [f"{v.name}={_shown(v.chosen)}" for v in dashboard.variables]
    lines.append("variables: " + (", ".join(chosen) if chosen else "(none)"))
    lines += table([_cells(p) for p in dashboard.panels], width)
    for panel in dashboard.panels:
        if panel.status != Status.OK:
            lines.append(f"[{panel.status}] {panel.row} / {panel.title}: {panel.detail}")
            lines.append(f"    query: {panel.expr}")
    for unchecked in dashboard.unchecked:
        lines.append(
            f"[not checked] {unchecked.row} / {unchecked.title} ({unchecked.datasource_type}): "
            f"{unchecked.reason}"
        )
    return "\n".join(lines)


def table(rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """Rows under a header, each column as wide as its widest cell, shrunk (cut with ``~``)
    until a line fits in ``width``."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(_COLUMNS)]
    gaps = 2 * (len(_COLUMNS) - 1)
    for name in _SHRINKABLE:
        index = _COLUMNS.index(name)
        excess = sum(widths) + gaps - width
        if excess <= 0:
            break
        widths[index] = max(_MIN_WIDTH, widths[index] - excess)
    return [_line(_COLUMNS, widths)] + [_line(r, widths) for r in rows]


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(_fit(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "~"


def _cells(panel: PanelCheck) -> tuple[str, ...]:
    title = panel.title
    if panel.repeat is not None:
        title += f" [{panel.repeat.variable}={panel.repeat.value}]"
    reason = str(panel.reason or "")
    return (panel.row, title, str(panel.status), reason, str(panel.series), panel.detail)


def _shown(values: Sequence[str]) -> str:
    if len(values) == 1:
        return values[0]
    return "{" + ",".join(values) + "}"
