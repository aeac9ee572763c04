"""What the explore and governance notebooks compute: plot queries per metric type, "did you
mean" for unknown names, the namespace x check matrix."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from kube_devops.notebook.explore_queries import UnknownMetricError, did_you_mean, queries_for
from kube_devops.notebook.governance_views import check_matrix, worst_first
from kube_devops.notebook.plots import figure_png, plot_frame


def test_a_counter_is_plotted_as_a_rate() -> None:
    [query] = queries_for("webhook_requests_total", "allowed", "1m", [])
    assert query.expr == "sum by (allowed) (rate(webhook_requests_total[1m]))"
    assert query.unit == "cps"


def test_a_histogram_is_plotted_as_three_quantiles_in_seconds() -> None:
    queries = queries_for("webhook_request_duration_seconds", "", "2m", [])
    assert [q.label for q in queries] == ["quantile"] * 3
    assert queries[2].expr == (
        "label_replace(histogram_quantile(0.99, sum by (le) "
        '(rate(webhook_request_duration_seconds_bucket[2m]))), "quantile", "p99", "", "")'
    )
    assert {q.unit for q in queries} == {"s"}


def test_a_gauge_is_plotted_as_it_is() -> None:
    [query] = queries_for("namespace_health_score", "namespace", "1m", [])
    assert (query.expr, query.unit) == ("namespace_health_score", "short")


def test_an_unknown_name_suggests_close_ones() -> None:
    with pytest.raises(UnknownMetricError, match="did you mean namespace_health_score"):
        queries_for("namespace_helth_score", "namespace", "1m", ["up"])
    assert did_you_mean("pod_event_total", ["pod_events_total", "up"]) == ["pod_events_total"]


def test_a_name_only_prometheus_knows_is_accepted() -> None:
    [query] = queries_for("node_load1", "instance", "1m", ["node_load1"])
    assert query.expr == "node_load1"


def test_the_matrix_counts_findings_per_namespace_and_check() -> None:
    found = pd.DataFrame(
        [("dev", "latest_tag"), ("dev", "latest_tag"), ("dev", "no_probes"),
         ("prod", "no_probes")],
        columns=["namespace", "check"],
    )  # fmt: skip
    matrix = check_matrix(found)
    assert matrix.to_dict() == {
        "latest_tag": {"dev": 2, "prod": 0},
        "no_probes": {"dev": 1, "prod": 1},
    }


def test_a_span_of_seconds_gets_distinct_ticks_and_units_in_words() -> None:
    index = [datetime.fromtimestamp(1764254317 + i * 0.5, tz=UTC) for i in range(6)]
    fig = plot_frame(pd.DataFrame({"true": range(6)}, index=index), "requests", "cps")
    figure_png(fig)  # draws the figure, which fills in the tick labels
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(ticks) == len(set(ticks))  # seconds apart, never the same label twice
    assert {"37.0", "37.5", "38.0", "38.5", "39.0", "39.5"} <= set(ticks)
    assert ax.get_xlabel() == "time (UTC)"
    assert ax.get_ylabel() == "counts per second"


def test_findings_are_ordered_critical_first() -> None:
    found = pd.DataFrame(
        [("dev", "a", "low"), ("dev", "b", "critical"), ("prod", "c", "medium"),
         ("dev", "d", "high")],
        columns=["namespace", "pod", "severity"],
    )  # fmt: skip
    assert list(worst_first(found)["pod"]) == ["b", "d", "c", "a"]
