"""Step, ``$__interval``, ``$__rate_interval`` and ``$__range``: every expected value worked out by
hand from ``rangeutil.ts`` (``calculateInterval``, ``roundInterval``), Grafana's Prometheus back
end ``pkg/promlib/models/query.go`` (``calculatePrometheusInterval``, ``calculateRateInterval``,
``interpolateVariables``), ``pkg/promlib/intervalv2`` and ``gtime`` (``RoundInterval``,
``FormatInterval``), and Go's ``time.Duration.String``."""

from __future__ import annotations

import pytest

from kube_devops.verify.grafana.intervals import (
    IntervalInputs,
    Intervals,
    apply_builtins,
    compute,
    format_interval,
    go_duration,
    round_back,
    round_front,
)

HOUR = 3_600_000


def test_round_ladders_differ_only_at_the_thresholds() -> None:
    """Front end: ``interval < 7500 -> 5000``; back end: ``interval <= 7500 -> 5000``."""
    assert (round_front(7499), round_front(7500)) == (5000, 10000)
    assert (round_back(7500), round_back(7501)) == (5000, 10000)
    assert (round_front(4000), round_back(672000), round_front(40_000_000)) == (
        5000,
        600000,
        43200000,
    )


@pytest.mark.parametrize(
    ("ms", "expected"),
    [(60000, "1m0s"), (615000, "10m15s"), (HOUR, "1h0m0s"), (1500, "1.5s"), (500, "500ms")],
)
def test_go_duration_string(ms: int, expected: str) -> None:
    assert go_duration(ms) == expected


@pytest.mark.parametrize(
    ("ms", "expected"), [(90000, "1m"), (86400000, "1d"), (500, "500ms"), (15000, "15s")]
)
def test_format_interval_keeps_the_largest_whole_unit(ms: int, expected: str) -> None:
    assert format_interval(ms) == expected


def test_one_hour_at_900_points_with_15s_scrape() -> None:
    """Front: roundInterval(3600000/900 = 4000) = 5000, raised to the 15 s scrape. Back: 4000 is
    below the 15000 minimum, so 15000; safe 3600000/11000 = 327 -> 200. Rate: max(15000 + 15000,
    4 x 15000) = 60000."""
    assert compute(IntervalInputs(HOUR, 900, "15s")) == Intervals(15000, 15000, 60000)


def test_seven_days_rate_interval_is_interval_plus_scrape() -> None:
    """604800000/900 = 672000 -> front 600000 (10m); back RoundInterval(672000) = 600000; safe
    54981 -> 60000. Rate: max(600000 + 15000, 60000) = 615000 (10m15s)."""
    assert compute(IntervalInputs(7 * 24 * HOUR, 900, "15s")) == Intervals(600000, 600000, 615000)


def test_interval_factor_multiplies_the_step_not_the_rate_interval() -> None:
    assert compute(IntervalInputs(HOUR, 900, "15s", factor=2)) == Intervals(15000, 30000, 60000)


def test_target_min_step_is_the_minimum_and_the_rate_scrape() -> None:
    """Min step 1m: step 60000; rate = max(front 15000 + 60000, 4 x 60000) = 240000."""
    assert compute(IntervalInputs(HOUR, 900, "15s", target_min="1m")) == Intervals(
        15000, 60000, 240000
    )


def test_panel_min_interval_raises_the_front_end_interval() -> None:
    """Panel interval 30s: front max(5000, 30000); rate max(30000 + 15000, 60000) = 60000."""
    assert compute(IntervalInputs(HOUR, 900, "15s", panel_min="30s")) == Intervals(
        30000, 30000, 60000
    )


def test_panel_max_data_points() -> None:
    """6h over 100 points: 216000 -> front 300000; back 216000 < 300000 -> 300000; rate
    max(300000 + 15000, 60000) = 315000 (5m15s)."""
    assert compute(IntervalInputs(6 * HOUR, 100, "15s")) == Intervals(300000, 300000, 315000)


def test_safe_interval_of_11000_points_wins_at_long_ranges() -> None:
    """30 days over 100000 points: 25920 -> front 30000; back minimum 30000; safe
    2592000000/11000 = 235636 -> 300000, the step. The rate interval still uses the front-end
    interval: max(30000 + 15000, 60000) = 60000."""
    found = compute(IntervalInputs(30 * 24 * HOUR, 100000, "15s"))
    assert found == Intervals(30000, 300000, 60000)


def test_min_step_written_as_rate_interval_makes_the_step_the_rate_interval() -> None:
    """``interval: $__rate_interval``: step = calculateRateInterval(adjusted 15000, 15s) = 60000,
    and $__rate_interval is that step."""
    found = compute(IntervalInputs(HOUR, 900, "15s", target_min="$__rate_interval"))
    assert found == Intervals(15000, 60000, 60000)


def test_builtins_replaced_in_grafana_order() -> None:
    expr = (
        "rate(x[$__rate_interval]) / $__interval_ms + y[${__interval}]"
        " $__range $__range_s $__range_ms"
    )
    found = apply_builtins(expr, Intervals(15000, 15000, 60000), HOUR)
    assert found == "rate(x[1m0s]) / 15000 + y[15s] 3600s 3600 3600000"
