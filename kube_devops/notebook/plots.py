"""Small matplotlib plots that mirror the dashboard: one axes per panel, in dashboard order."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from kube_devops.core.promql import legend_labels
from kube_devops.notebook.units import unit_words
from kube_devops.verify.model import PanelCheck

STATUS_COLOURS = {"ok": "tab:green", "warn": "tab:orange", "empty": "tab:red", "error": "darkred"}


def group_panels(panels: Sequence[PanelCheck]) -> list[list[PanelCheck]]:
    """Targets grouped by (row, title), keeping dashboard order."""
    groups: dict[tuple[str, str], list[PanelCheck]] = {}
    for panel in panels:
        groups.setdefault((panel.row, panel.title), []).append(panel)
    return list(groups.values())


def legend_text(legend: str, labels: dict[str, str]) -> str:
    """A series name as Grafana renders ``legendFormat`` (or the label set when empty)."""
    if not legend:
        inner = ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "__name__")
        return inner or labels.get("__name__", "value")
    text = legend
    for name in legend_labels(legend):
        text = text.replace("{{" + name + "}}", labels.get(name, "")).replace(
            "{{ " + name + " }}", labels.get(name, "")
        )
    return text


def plot_dashboard(
    panels: Sequence[PanelCheck], columns: int = 3, width: float = 15.0, row_height: float = 2.4
) -> Figure:
    """One small axes per panel with its series over the range; titles coloured by status."""
    groups = group_panels(panels)
    rows = max(1, math.ceil(len(groups) / columns))
    fig = Figure(figsize=(width, row_height * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    flat = [ax for line in axes for ax in line]
    for ax, group in zip(flat, groups, strict=False):
        _draw(ax, group)
    for ax in flat[len(groups) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def _draw(ax: Any, group: list[PanelCheck]) -> None:
    worst = max(group, key=lambda p: list(STATUS_COLOURS).index(p.status))
    ax.set_title(
        f"{group[0].row} / {group[0].title}", fontsize=8, color=STATUS_COLOURS[worst.status]
    )
    drawn = 0
    for panel in group:
        for series in panel.range_result[:8]:
            values = series.get("values") or []
            times = [datetime.fromtimestamp(float(t), tz=UTC) for t, _ in values]
            ys = [float(v) for _, v in values]
            ax.plot(times, ys, linewidth=1, label=legend_text(panel.legend, series["metric"]))
            drawn += 1
    if drawn == 0:
        ax.text(0.5, 0.5, f"{worst.status}: {worst.reason or 'no data'}", ha="center",
                va="center", transform=ax.transAxes, fontsize=8, color="darkred")  # fmt: skip
    elif drawn <= 6:
        ax.legend(fontsize=6, loc="best")
    ax.tick_params(labelsize=6)
    if drawn:
        time_axis(ax, fontsize=6)
    else:
        ax.set_xticks([])
    ax.set_ylabel(unit_words(group[0].unit), fontsize=7)


def time_axis(ax: Any, fontsize: float) -> None:
    """A UTC time axis that stays readable on any span: matplotlib's concise date ticks (whole
    seconds, or fractions of one, on a span of seconds; dates once, in the offset)."""
    locator = AutoDateLocator(tz=UTC, minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=UTC))  # type: ignore[no-untyped-call]
    ax.set_xlabel("time (UTC)", fontsize=fontsize)


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (no GUI backend needed; for notebooks and the HTML report)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def plot_frame(frame: Any, title: str, unit: str) -> Figure:
    """A time-indexed frame (one column per line) as one axes: the time axis in UTC with
    seconds (readable on short spans), the y axis labelled with the unit in words."""
    fig = Figure(figsize=(10, 3.2))
    ax = fig.subplots()
    for column in frame.columns:
        ax.plot(frame.index, frame[column], linewidth=1.2, label=str(column))
    if len(frame.columns):
        ax.legend(fontsize=7, loc="best")
    ax.set_title(title, fontsize=9)
    time_axis(ax, fontsize=8)
    ax.set_ylabel(unit_words(unit), fontsize=8)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig
