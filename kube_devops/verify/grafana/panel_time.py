"""A panel's own time range and resolution: ``timeFrom`` / ``timeShift`` overrides and the
``maxDataPoints`` its width gives.

Follows Grafana's ``applyPanelTimeOverrides`` (``public/app/features/dashboard/utils/panel.ts``):
``timeFrom: 24h`` makes the panel show the last 24 hours (ending now), ``timeShift: 1d`` moves its
range back a day; an override that is not a duration is ignored, as Grafana ignores it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_devops.core.promql import parse_duration
from kube_devops.verify.grafana.interpolate import Scope, interpolate
from kube_devops.verify.grafana.options_model import PlanOptions


def panel_range(
    panel: Mapping[str, Any], scope: Scope, options: PlanOptions
) -> tuple[float, float]:
    """(start, end) in epoch seconds of the panel's queries."""
    start, end = options.start, options.end
    last = _seconds(panel.get("timeFrom"), scope)
    if last:
        start = end - last
    shift = _seconds(panel.get("timeShift"), scope)
    if shift:
        start, end = start - shift, end - shift
    return start, end


def _seconds(value: Any, scope: Scope) -> float | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_duration(interpolate(value, scope).text)
    except ValueError:
        return None


def saved_range_seconds(raw: Mapping[str, Any]) -> float | None:
    """The length of the time range the dashboard opens with (``time.from: now-6h``,
    ``time.to: now``), or None when it is not a relative range written in durations."""
    saved = raw.get("time")
    if not isinstance(saved, Mapping):
        return None
    start, end = _ago(saved.get("from")), _ago(saved.get("to"))
    if start is None or end is None or start <= end:
        return None
    return start - end


def _ago(value: Any) -> float | None:
    """Seconds before now of ``now`` or ``now-<duration>``."""
    text = str(value or "").strip()
    if text == "now":
        return 0.0
    if not text.startswith("now-"):
        return None
    try:
        return parse_duration(text[4:])
    except ValueError:
        return None


def max_data_points(panel: Mapping[str, Any], options: PlanOptions) -> int:
    """The panel's ``maxDataPoints``, else its width: ``options.max_data_points`` for 12 grid
    columns, scaled by ``gridPos.w`` (or ``span`` x 2 in dashboards before schema 16)."""
    own = _int(panel.get("maxDataPoints"))
    if own > 0:
        return own
    width = _width(panel) if options.scale_with_width else 0
    return max(1, round(options.max_data_points * width / 12)) if width else options.max_data_points


def _width(panel: Mapping[str, Any]) -> int:
    grid = panel.get("gridPos")
    if isinstance(grid, Mapping) and _int(grid.get("w")) > 0:
        return _int(grid.get("w"))
    return 2 * _int(panel.get("span"))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
