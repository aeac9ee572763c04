"""Judging one planned target the way Grafana draws it: the whole range counts, a series that
stopped is a warning, value filters that keep nothing are ``filtered_out``, selectors without a
metric name are diagnosed like named ones. Prometheus' answers are canned per query text."""

from __future__ import annotations

from kube_devops.verify.plan import QueryWindow
from tests.unit.verify.judge_support import (
    END,
    REPEAT,
    SCRAPE,
    START,
    CannedProm,
    judge_canned,
    sample,
    series,
    target,
)

UP = {"job": "node", "instance": "node-a:9100"}
DOWN_TARGET = {
    "labels": {"job": "alertmanager", "instance": "127.0.0.1:9093"},
    "health": "down", "scrapeUrl": "http://127.0.0.1:9093/metrics",
    "lastError": "connection refused",
}  # fmt: skip


def test_data_in_range_and_now_is_ok() -> None:
    expr = "rate(node_cpu_seconds_total[1m])"
    prom = CannedProm(
        instant_results={expr: [sample(UP, "0.5")]},
        range_results={expr: [series(UP, (1000, "0.4"), (1600, "0.5"))]},
    )
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason, check.series) == ("ok", None, 1)
    assert check.detail == "1 series now, 1 over the range"
    # 1600 - 1000 = 40 steps of 15 s: the range query's last point is the instant at the end.
    assert prom.calls == [("range", expr)]


def test_end_off_the_step_grid_runs_the_instant_query_too() -> None:
    """600 s is not a whole number of 7 s steps: the last range point is 1594, not 1600."""
    expr = "node_load1"
    window = QueryWindow(START, END, 7.0, 30.0, SCRAPE)
    prom = CannedProm(
        instant_results={expr: [sample(UP, "2")]},
        range_results={expr: [series(UP, (1594, "2"))]},
        window=window,
    )
    check = judge_canned(prom, target(expr, window=window), [])
    assert (check.status, check.detail) == ("ok", "1 series now, 1 over the range")
    assert prom.calls == [("range", expr), ("instant", expr)]


def test_series_that_stopped_one_step_before_the_end_is_stale() -> None:
    expr = "node_load1"
    prom = CannedProm(range_results={expr: [series(UP, (1570, "1"), (1585, "1"))]})
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason) == ("warn", "stale")
    assert "last sample at 1970-01-01 00:26:25 UTC, 15s before the end" in check.detail


def test_series_that_stopped_mid_range_is_stale_not_empty() -> None:
    """Grafana still draws the first 8 minutes; the last sample was 2 minutes before the end."""
    expr = "node_load1"
    prom = CannedProm(range_results={expr: [series(UP, (1000, "1"), (1480, "2"))]})
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason, check.series) == ("warn", "stale", 1)
    assert check.detail == (
        "every series stopped before the end of the range: last sample at "
        "1970-01-01 00:24:40 UTC, 2m before the end"
    )


def test_sporadic_data_from_a_window_under_two_scrapes_is_window_too_short() -> None:
    """A [20s] window with 15 s scrapes holds two samples only where a late scrape came close to
    the next one: a few points of the range, none at the end."""
    expr = "rate(node_cpu_seconds_total[20s])"
    prom = CannedProm(range_results={expr: [series(UP, (1300, "0.4"))]})
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason) == ("warn", "window_too_short")
    assert check.detail == (
        "range window [20s] is shorter than two scrape intervals (2 x 15s), so it has data only"
        " where two scrapes happened to fall within it; use $__rate_interval or at least [1m]"
    )


def test_instant_only_target_runs_only_the_instant_query() -> None:
    expr = "count(up)"
    prom = CannedProm(instant_results={expr: [sample({}, "3")]})
    check = judge_canned(prom, target(expr, instant=True), [])
    assert (check.status, check.series) == ("ok", 1)
    assert check.detail == "1 series at the end of the range (instant query)"
    assert prom.calls == [("instant", expr)]


def test_value_filter_that_keeps_nothing_is_filtered_out() -> None:
    expr = "rate(node_network_receive_errs_total[5m]) > 0"
    unfiltered = "(rate(node_network_receive_errs_total{}[5m]))"
    nics = [{**UP, "device": d} for d in ("eth0", "lo", "wlan0")]
    prom = CannedProm(
        series_results={'{__name__="node_network_receive_errs_total"}': nics},
        range_results={
            "node_network_receive_errs_total": [series(n, (1600, "0")) for n in nics],
            unfiltered: [series(n, (1600, "0")) for n in nics],
        },
    )
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason) == ("empty", "filtered_out")
    assert check.detail.startswith(
        "the value filter `> 0` removed all 3 series the query has without it over the range"
    )


def test_nested_filters_removed_together() -> None:
    """Neither filter alone explains it (each alone still filters); both removed give data."""
    expr = "sum(rate(x_total[5m]) > 0) > 10"
    prom = CannedProm(
        series_results={'{__name__="x_total"}': [UP]},
        range_results={"x_total": [series(UP, (1600, "1"))],
                       "(sum((rate(x_total{}[5m]))))": [series({}, (1600, "0"))]},
    )  # fmt: skip
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason) == ("empty", "filtered_out")
    assert check.detail.startswith("the value filters `> 10`, `> 0` together removed all 1 series")


def test_nameless_selector_with_name_regex_that_matches_nothing() -> None:
    expr = 'sum(rate({__name__=~"a_total|b_total"}[5m]))'
    prom = CannedProm(labels={"__name__": ["a_totals", "up"]})
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason) == ("empty", "metric_missing")
    assert check.detail == (
        'no series whose name matches {__name__=~"a_total|b_total"} in the last 10m; '
        "did you mean a_totals?; every target is up, so no target exports it"
    )


def test_nameless_selector_with_a_label_value_that_does_not_exist() -> None:
    prom = CannedProm(labels={"job": ["node", "prometheus"]})
    check = judge_canned(prom, target('{job="nodes"}'), [])
    assert (check.status, check.reason) == ("empty", "label_mismatch")
    assert check.detail == 'no series has job="nodes"; existing job values: node, prometheus'


def test_nameless_selector_of_a_down_target_names_it() -> None:
    check = judge_canned(CannedProm(), target('{job="alertmanager"}'), [DOWN_TARGET])
    assert (check.status, check.reason) == ("empty", "target_down")
    assert check.detail == (
        '{job="alertmanager"} comes from a target that is down: job=alertmanager '
        "instance=127.0.0.1:9093 (http://127.0.0.1:9093/metrics) is down: connection refused"
    )


def test_named_selector_with_wrong_label_value_lists_existing_values() -> None:
    expr = 'node_load1{instance="node-b:9100"}'
    prom = CannedProm(series_results={'{__name__="node_load1"}': [UP]})
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason) == ("empty", "label_mismatch")
    assert check.detail == (
        'no node_load1 series has instance="node-b:9100"; existing instance values: node-a:9100'
    )


def test_target_the_planner_could_not_run_is_a_query_error_without_queries() -> None:
    prom = CannedProm()
    bad = target("up{job=$nope}", error="undefined template variable $nope")
    check = judge_canned(prom, bad, [])
    assert (check.status, check.reason, check.detail) == (
        "error", "query_error", "undefined template variable $nope"
    )  # fmt: skip
    assert prom.calls == []


def test_repeated_entry_carries_its_repeat_and_template() -> None:
    expr = 'node_load1{instance="node-a:9100"}'
    prom = CannedProm(
        instant_results={expr: [sample(UP, "1")]},
        range_results={expr: [series(UP, (END, "1"))]},
    )
    planned = target(expr, template='node_load1{instance="$instance"}', repeat=REPEAT)
    entry = judge_canned(prom, planned, []).to_json()
    assert entry == {
        "dashboard": "Node", "row": "CPU", "title": "Busy",
        "template": 'node_load1{instance="$instance"}', "expr": expr, "status": "ok",
        "reason": None, "detail": "1 series now, 1 over the range", "series": 1,
        "repeat": {"variable": "instance", "value": "node-a:9100"},
    }  # fmt: skip


def test_absent_of_a_metric_that_exists_is_filtered_out() -> None:
    """An "is it missing?" panel shows No data while the watched series exist."""
    expr = 'absent(up{job="node"})'
    prom = CannedProm(
        series_results={'{__name__="up"}': [UP]},
        range_results={'up{job="node"}': [series(UP, (1600, "1"))],
                       '(up{job="node"})': [series(UP, (1600, "1"))]},
    )  # fmt: skip
    check = judge_canned(prom, target(expr), [])
    assert (check.status, check.reason) == ("empty", "filtered_out")
    assert check.detail.startswith('the value filter `absent(up{job="node"})` removed all 1 series')


NODE_A = {"labels": {"job": "node", "instance": "node-a:9100"}, "health": "up"}
NODE_B = {
    "labels": {"job": "node", "instance": "node-b:9100"}, "health": "down",
    "scrapeUrl": "http://node-b:9100/metrics", "lastError": "connection refused",
}  # fmt: skip


def test_aggregate_still_fed_by_a_live_target_is_ok_while_another_is_down() -> None:
    expr = "sum(node_load1)"
    prom = CannedProm(
        range_results={expr: [series({}, (1600, "2"))]},
        series_results={'{__name__="node_load1"}': [UP, {**UP, "instance": "node-b:9100"}]},
    )
    check = judge_canned(prom, target(expr), [NODE_A, NODE_B])
    assert (check.status, check.reason) == ("ok", None)


def test_data_only_from_a_down_target_warns_target_down() -> None:
    """Its samples are still inside the range windows; the panel will go empty."""
    down_only = {"job": "node", "instance": "node-b:9100"}
    expr = "rate(node_cpu_seconds_total[5m])"
    prom = CannedProm(range_results={expr: [series(down_only, (1600, "0.3"))]})
    check = judge_canned(prom, target(expr), [NODE_A, NODE_B])
    assert (check.status, check.reason) == ("warn", "target_down")
    assert check.detail == (
        "it comes from a target that is down: job=node instance=node-b:9100 "
        "(http://node-b:9100/metrics) is down: connection refused; the panel only shows samples "
        "from before it went down"
    )
    assert ("series", '{__name__="node_cpu_seconds_total"}') not in prom.calls


def test_instant_only_target_whose_series_stopped_is_empty_saying_so() -> None:
    """An instant panel shows only the end of the range, where nothing is left."""
    expr = "node_load1"
    prom = CannedProm(series_results={'{__name__="node_load1"}': [UP]})
    check = judge_canned(prom, target(expr, instant=True), [])
    assert (check.status, check.reason) == ("empty", "metric_missing")
    assert check.detail == (
        "node_load1 has samples earlier in the range but none at its end, the only time an "
        "instant query shows"
    )
    assert ("range", expr) not in prom.calls


def test_instant_only_filter_counts_series_at_the_end() -> None:
    expr = "up == 0"
    prom = CannedProm(
        series_results={'{__name__="up"}': [UP]},
        instant_results={"up": [sample(UP, "1")], "(up{})": [sample(UP, "1")]},
    )
    check = judge_canned(prom, target(expr, instant=True), [])
    assert (check.status, check.reason) == ("empty", "filtered_out")
    assert check.detail.startswith(
        "the value filter `== 0` removed all 1 series the query has without it at the end of "
        "the range"
    )


def test_filter_keeping_nothing_is_filtered_out_though_another_target_is_down() -> None:
    """node-b is down but node-a still feeds the selector: the filter empties it, not node-b."""
    expr = "node_load1 > 100"
    both = [UP, {**UP, "instance": "node-b:9100"}]
    prom = CannedProm(
        series_results={'{__name__="node_load1"}': both},
        range_results={"node_load1": [series(UP, (1600, "1"))],
                       "(node_load1{})": [series(UP, (1600, "1"))]},
    )  # fmt: skip
    check = judge_canned(prom, target(expr), [NODE_A, NODE_B])
    assert (check.status, check.reason) == ("empty", "filtered_out")


def test_alerts_panel_without_any_active_alert_is_filtered_out() -> None:
    """ALERTS exists only while an alert is pending or firing: No data means none is."""
    check = judge_canned(
        CannedProm(), target('sum by (alertname) (ALERTS{alertstate="firing"})'), []
    )
    assert (check.status, check.reason) == ("empty", "filtered_out")
    assert check.detail.startswith("no alert was pending or firing in the range: ALERTS has")
