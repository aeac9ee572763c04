"""What to plot for a metric name, for the explore notebook: counters as per-second rates,
histograms as quantiles, gauges as they are; an unknown name gets "did you mean" suggestions
from the catalog and the names Prometheus holds (as the verifier's diagnosis does)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from kube_devops.core.catalog import BY_NAME, CATALOG, MetricType

QUANTILES = (0.5, 0.9, 0.99)


class UnknownMetricError(ValueError):
    """A metric name neither the catalog nor Prometheus knows; the message suggests names."""


@dataclass(frozen=True, slots=True)
class PlotQuery:
    """One line (or family of lines) to plot, and how to label its y axis."""

    expr: str
    label: str
    """The label whose values name the lines."""
    unit: str
    """A Grafana unit id (see :mod:`kube_devops.notebook.units`)."""


def did_you_mean(name: str, known: Sequence[str]) -> list[str]:
    """Up to three known names close to ``name`` (difflib, as the verifier's diagnosis)."""
    return difflib.get_close_matches(name, sorted(set(known)), 3, 0.6)


def _unit(name: str) -> str:
    return "s" if name.endswith("_seconds") else "short"


def queries_for(metric: str, by: str, rate_window: str, known: Sequence[str]) -> list[PlotQuery]:
    """The queries that show ``metric`` well, or UnknownMetricError with suggestions."""
    spec = BY_NAME.get(metric)
    if spec is None and metric not in known:
        close = did_you_mean(metric, [*known, *(s.name for s in CATALOG)])
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownMetricError(f"metric {metric!r} is not in the catalog nor in Prometheus{hint}")
    kind = spec.type if spec else MetricType.COUNTER if metric.endswith("_total") else None
    if kind is MetricType.COUNTER:
        expr = f"sum by ({by}) (rate({metric}[{rate_window}]))"
        return [PlotQuery(expr, by, "cps")]
    if kind is MetricType.HISTOGRAM:
        buckets = f"sum by (le) (rate({metric}_bucket[{rate_window}]))"
        return [
            PlotQuery(f'label_replace(histogram_quantile({q}, {buckets}), "quantile", '
                      f'"p{round(q * 100)}", "", "")', "quantile", _unit(metric))
            for q in QUANTILES
        ]  # fmt: skip
    return [PlotQuery(f"{metric}", by, _unit(metric))]
