"""Walk a dashboard's panels in layout order, with the row each belongs to.

Rows are followed the way Grafana lays them out: top-level panels sorted by ``gridPos`` (y, then
x), a ``row`` panel owning the panels below it up to the next row, collapsed rows owning their
nested ``panels``, and the ``rows`` of dashboards older than schema 16. Copies that Grafana saved
of repeated panels and rows (``repeatPanelId``, ``repeatedByRow``, ``repeatIteration``) are
skipped: Grafana drops them on load and expands the repeat again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

NO_ROW = "(no row)"
NOT_QUERIED = frozenset(
    {"row", "text", "news", "dashlist", "alertlist", "annolist", "welcome", "gettingstarted"}
)
"""Panel types that show no query results by design (text, lists of dashboards or alerts)."""

Panel = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Slot:
    """One panel with the row that holds it (``row`` is None outside any row)."""

    row: Panel | None
    panel: Panel

    @property
    def row_title(self) -> str:
        """The row's title as written, or ``(no row)``."""
        return str((self.row or {}).get("title") or NO_ROW)


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list (a malformed field holds nothing)."""
    return value if isinstance(value, list) else []


def walk(raw: Mapping[str, Any]) -> Iterator[Slot]:
    """Every panel of the dashboard, in layout order."""
    for legacy in as_list(raw.get("rows")):  # schema < 16: rows hold panels
        if isinstance(legacy, Mapping) and not _is_copy(legacy):
            for panel in as_list(legacy.get("panels")):
                if isinstance(panel, Mapping) and not _is_copy(panel):
                    yield Slot(legacy, panel)
    row: Panel | None = None
    copied_row = False
    for panel in _by_position(as_list(raw.get("panels")), keep_copies=True):
        if panel.get("type") == "row":
            row, copied_row = panel, _is_copy(panel)
            if not copied_row:
                for nested in _by_position(as_list(panel.get("panels"))):
                    yield Slot(row, nested)
            continue
        if not copied_row and not _is_copy(panel):
            yield Slot(row, panel)


def targets_of(panel: Panel) -> list[Mapping[str, Any]]:
    """The panel's targets that Grafana runs (``hide`` targets are not run)."""
    return [
        t for t in as_list(panel.get("targets")) if isinstance(t, Mapping) and not t.get("hide")
    ]


def has_targets(raw: Mapping[str, Any]) -> bool:
    """Whether any panel of the dashboard has a target."""
    return any(targets_of(slot.panel) for slot in walk(raw))


def _is_copy(panel: Panel) -> bool:
    return bool(
        panel.get("repeatPanelId") or panel.get("repeatedByRow") or panel.get("repeatIteration")
    )


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _by_position(panels: list[Any], *, keep_copies: bool = False) -> list[Panel]:
    valid = [p for p in panels if isinstance(p, Mapping) and (keep_copies or not _is_copy(p))]
    if not all(isinstance(p.get("gridPos"), Mapping) for p in valid):
        return valid

    def key(item: tuple[int, Panel]) -> tuple[float, float, int]:
        index, panel = item
        pos = panel["gridPos"]
        return (_number(pos.get("y")), _number(pos.get("x")), index)

    return [p for _, p in sorted(enumerate(valid), key=key)]
