"""What to verify and how: the one settings object of a verification run (the CLI and the
notebook session build it; ``kube_devops.verify.run.verify`` takes it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class VerifySettings:
    """What to verify and how."""

    prometheus_url: str
    """Base URL of the Prometheus HTTP API, e.g. ``http://127.0.0.1:9090``."""
    dashboards: Sequence[Path] = ()
    """Dashboard files, ConfigMap YAMLs, Lists or directories; empty checks the shipped one."""
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """Component name -> base URL whose ``/metrics`` is scraped live; empty skips that step."""
    range_seconds: float = 600.0
    """Length of the dashboard time range (ending now)."""
    scrape_seconds: float | None = None
    """Scrape interval; ``None`` takes the longest interval among Prometheus' active targets."""
    strict: bool = False
    """Count ``warn`` and ``filtered_out`` targets as failures."""
    verify_tls: bool = True
    """Check the Prometheus server certificate when its URL is https."""
    concurrency: int = 8
    """Queries in flight at once."""
    max_data_points: int | None = None
    """Grafana's maxDataPoints where a panel sets none (the panel width in pixels in a
    browser); ``None`` keeps the planner's default."""
    datasources: Mapping[str, str] = field(default_factory=dict)
    """Data source name -> plugin type (``prometheus``, ``loki``, ...) for plain-name references."""
