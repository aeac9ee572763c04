"""Metric exploration for notebooks: a metric over time by label, namespaces side by side, and
the top offenders. Everything returns pandas frames built from Prometheus queries."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pandas as pd

from kube_devops.core.promql import format_duration, parse_duration
from kube_devops.notebook.explore_queries import PlotQuery, queries_for
from kube_devops.verify.client import PromClient


def step_for(range_seconds: float, scrape_seconds: float, max_points: int = 200) -> float:
    """A plot's step: ``range / max_points`` in whole seconds, never finer than one scrape."""
    return float(max(scrape_seconds, round(range_seconds / max_points)))


def metric_over_time(client: PromClient, expr: str, by: str, window: str = "10m") -> pd.DataFrame:
    """``expr`` over the last ``window``, one column per value of label ``by`` (time index)."""
    seconds = parse_duration(window)
    end = time.time()
    result = client.range(expr, end - seconds, end, step_for(seconds, 1.0)).series
    columns: dict[str, pd.Series] = {}
    for series in result:
        name = series["metric"].get(by, "(none)")
        index = [datetime.fromtimestamp(float(t), tz=UTC) for t, _ in series["values"]]
        columns[name] = pd.Series([float(v) for _, v in series["values"]], index=index)
    return pd.DataFrame(columns).sort_index()


def instant_by(client: PromClient, expr: str, by: str, column: str) -> pd.Series:
    """An instant query as a Series indexed by label ``by``."""
    rows = {
        s["metric"].get(by, "(none)"): float(s["value"][1]) for s in client.instant(expr).series
    }
    return pd.Series(rows, name=column, dtype="float64")


def compare_namespaces(client: PromClient, window: str = "10m") -> pd.DataFrame:
    """Per namespace: health score, open violations, and admission denials over ``window``."""
    rng = format_duration(parse_duration(window))
    frame = pd.concat(
        [
            instant_by(client, "namespace_health_score", "namespace", "health_score"),
            instant_by(
                client, "sum by (namespace) (devopspolicy_violations_total)", "namespace",
                "violations",
            ),
            instant_by(
                client, f"sum by (namespace) (increase(webhook_denials_total[{rng}]))",
                "namespace", "denials",
            ),
        ],
        axis=1,
    )  # fmt: skip
    return frame.sort_values("health_score", na_position="last")


def top_offenders(client: PromClient, n: int = 5, window: str = "10m") -> pd.DataFrame:
    """The namespaces with the most violations and the (namespace, violation) pairs denied most."""
    rng = format_duration(parse_duration(window))
    expr = f"topk({n}, sum by (namespace, violation) (increase(webhook_denials_total[{rng}])))"
    rows = [
        {
            "namespace": s["metric"].get("namespace", ""),
            "violation": s["metric"].get("violation", ""),
            "denials": round(float(s["value"][1]), 1),
        }
        for s in client.instant(expr).series
    ]
    frame = pd.DataFrame(rows, columns=["namespace", "violation", "denials"])
    return frame.sort_values("denials", ascending=False, ignore_index=True)


def plot_data(
    client: PromClient, metric: str, by: str, window: str = "10m", rate_window: str = "1m"
) -> tuple[pd.DataFrame, PlotQuery]:
    """``metric`` as it reads best (counters as rates, histograms as quantiles) over ``window``,
    one column per line, and the query behind it; UnknownMetricError suggests close names."""
    queries = queries_for(metric, by, rate_window, client.label_values("__name__"))
    frames = [metric_over_time(client, q.expr, q.label, window) for q in queries]
    return pd.concat(frames, axis=1).sort_index(), queries[0]
