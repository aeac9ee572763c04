"""How to plan: the dashboard time range, the data source's settings, and the panel-width
assumption Grafana's browser would otherwise supply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PANEL_WIDTH = 900
"""Pixels of a half-width panel (12 of 24 grid columns) in a 1920-pixel-wide browser window."""


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """Settings of one planning run."""

    end: float
    """Epoch seconds: the end of the dashboard time range."""
    range_seconds: float
    """Length of the dashboard time range."""
    scrape_seconds: float
    """The data source's scrape interval (Grafana's "Scrape interval" setting)."""
    max_data_points: int = PANEL_WIDTH
    """``maxDataPoints`` of a panel that sets none. Grafana uses the panel's width in pixels
    (scenes ``SceneQueryRunner`` with ``maxDataPointsFromWidth``); the default is a half-width
    panel (12 of 24 columns) in a 1920-pixel window. With ``scale_with_width`` a panel of ``w``
    columns gets ``max_data_points * w / 12``."""
    datasources: Mapping[str, str] = field(default_factory=dict)
    """``--datasource NAME=TYPE``: plain data source names (or uids) to plugin types."""
    default_datasource_type: str = "prometheus"
    """Plugin type of Grafana's default data source (panels and targets naming none)."""
    scale_with_width: bool = True
    """Scale ``max_data_points`` by the panel's ``gridPos.w`` (see ``max_data_points``)."""
    verify_tls: bool = True
    """Check the Prometheus server certificate for variable queries when its URL is https."""

    @property
    def start(self) -> float:
        """Epoch seconds: the start of the dashboard time range."""
        return self.end - self.range_seconds
