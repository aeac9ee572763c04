"""The PromQL reader: selectors, groupings, result labels, range windows, durations, legends.

Expectations are worked out by hand; the reader cases live in promql_cases.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.core.promql import (
    Matcher,
    PromQLSyntaxError,
    Selector,
    analyze,
    format_duration,
    legend_labels,
    parse_duration,
    range_windows,
    selectors,
)

_CASES = yaml.safe_load((Path(__file__).parent / "promql_cases.yaml").read_text("utf-8"))
_TOY = {
    "reqs": frozenset({"op", "ok"}),
    "lat_bucket": frozenset({"le"}),
    "lat_sum": frozenset(),
    "lat_count": frozenset(),
    "up": frozenset({"job", "pod"}),
}


@pytest.mark.parametrize("case", _CASES, ids=[c["expr"] for c in _CASES])
def test_promql_reader(case: dict[str, Any]) -> None:
    analysis = analyze(case["expr"], lambda name: _TOY.get(name, frozenset()))
    assert sorted(analysis.metrics) == case["metrics"]
    matchers = [[s.metric, m.name] for s in analysis.selectors for m in s.matchers]
    assert matchers == case["matchers"]
    assert [list(g.labels) for g in analysis.groupings] == case["groupings"]
    assert sorted(analysis.result_labels or ()) == case["result"]


def test_promql_reader_rejects_garbage() -> None:
    with pytest.raises(PromQLSyntaxError):
        analyze("sum(rate(x[5m])", lambda _: frozenset())
    with pytest.raises(PromQLSyntaxError):
        analyze("rate(x[5m]) ]", lambda _: frozenset())


def test_nameless_selector_keeps_its_name_matcher_in_the_analysis() -> None:
    assert analyze('{__name__="x"}').selectors == [Selector("", (Matcher("__name__", "=", "x"),))]


def test_selectors_skip_functions_aggregations_and_label_lists() -> None:
    expr = (
        'sum by (namespace) (rate(webhook_denials_total{namespace=~"a|b",violation!="x"}[5m]))'
        ' / on(namespace) group_left foo > 0 and {__name__="bar",job="j"} offset 5m'
    )
    assert selectors(expr) == (
        Selector("webhook_denials_total",
                 (Matcher("namespace", "=~", "a|b"), Matcher("violation", "!=", "x"))),
        Selector("foo", ()),
        Selector("bar", (Matcher("job", "=", "j"),)),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("expr", "metrics"),
    [
        ("a @ start() + b offset -5m", ("a", "b")),
        ("a atan2 b  # trailing comment", ("a", "b")),
        ("clamp_max(a, +Inf) > 0x1f or vector(NaN)", ("a",)),
        ("a @ 1609746000", ("a",)),
    ],
)
def test_selectors_read_modifiers_comments_and_special_numbers(
    expr: str, metrics: tuple[str, ...]
) -> None:
    assert tuple(s.metric for s in selectors(expr)) == metrics


def test_selectors_of_an_unreadable_expression_are_empty() -> None:
    assert selectors("sum(rate(x[5m])") == ()
    assert range_windows("rate(x[5m]) ]") == ()


def test_range_windows_include_subquery_ranges() -> None:
    expr = "max_over_time(histogram_quantile(0.99, sum by (le) (rate(x_bucket[1m30s])))[10m:1m])"
    assert range_windows(expr) == (90.0, 600.0)


def test_range_windows_skip_unsubstituted_variables() -> None:
    assert range_windows("rate(a[$__rate_interval]) / rate(b[2m])") == (120.0,)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("4s", 4.0), ("1m30s", 90.0), ("500ms", 0.5), ("1h", 3600.0), ("1h30m", 5400.0),
     ("1d2h", 93600.0), ("1w", 604800.0), ("90", 90.0), ("2m500ms", 120.5)],
)  # fmt: skip
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["5 minutes", "1.5m", "30m1h", "5m5m", "m", "", "-5m"])
def test_parse_duration_follows_prometheus_rules(text: str) -> None:
    """Prometheus's model.ParseDuration: whole numbers, units largest first, each once."""
    with pytest.raises(ValueError, match="not a Prometheus duration"):
        parse_duration(text)


def test_reader_reports_the_parser_message_for_a_query_that_is_not_promql() -> None:
    with pytest.raises(PromQLSyntaxError, match="unclosed left parenthesis"):
        analyze("sum(rate(x[5m])")


def test_nameless_selector_with_a_name_regex_keeps_every_matcher() -> None:
    assert selectors('{__name__=~"a_total|b_total", job="x"}') == (
        Selector("", (Matcher("__name__", "=~", "a_total|b_total"), Matcher("job", "=", "x"))),
    )


def test_format_duration() -> None:
    assert [format_duration(s) for s in (4, 1.5, 300, 7200)] == ["4s", "1500ms", "5m", "2h"]


def test_matcher_regex_is_fully_anchored() -> None:
    assert Matcher("ns", "=~", "prod").matches("prod")
    assert not Matcher("ns", "=~", "prod").matches("production")
    assert Matcher("ns", "!~", "prod").matches("production")


def test_legend_labels() -> None:
    assert legend_labels("{{namespace}}/{{ policy }}") == ("namespace", "policy")
    assert legend_labels("{{ $labels.job }} on $labels.pod") == ("job", "pod")
    assert legend_labels("p99") == ()
    assert legend_labels("{{namespace}}/{{ policy }} {{namespace}}") == ("namespace", "policy")


def test_matcher_accepts_re2_inline_flags_python_rejects_in_place() -> None:
    """RE2 takes ``(?i)`` anywhere; Python only at the start."""
    assert Matcher("job", "=~", "node|(?i)PROM.*").matches("prometheus")
    assert not Matcher("job", "=~", "node|(?i)PROM.*").matches("alertmanager")
    assert not Matcher("job", "=~", "(unclosed").matches("x")
