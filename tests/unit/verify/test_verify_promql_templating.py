"""PromQL reading and Grafana template substitution, with hand-worked expectations."""

from __future__ import annotations

import pytest

from kube_devops.verify.promql import (
    Matcher,
    Selector,
    format_duration,
    legend_labels,
    parse_duration,
    range_windows,
    selectors,
)
from kube_devops.verify.templating import Resolved, TimeContext, step_for, substitute


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


def test_range_windows_include_subquery_ranges() -> None:
    expr = "max_over_time(histogram_quantile(0.99, sum by (le) (rate(x_bucket[1m30s])))[10m:1m])"
    assert range_windows(expr) == (90.0, 600.0)


@pytest.mark.parametrize(
    ("text", "seconds"), [("4s", 4.0), ("1m30s", 90.0), ("500ms", 0.5), ("1h", 3600.0)]
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_parse_duration_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="not a Prometheus duration"):
        parse_duration("5 minutes")


def test_format_duration() -> None:
    assert [format_duration(s) for s in (4, 1.5, 300, 7200)] == ["4s", "1500ms", "5m", "2h"]


def test_matcher_regex_is_fully_anchored() -> None:
    assert Matcher("ns", "=~", "prod").matches("prod")
    assert not Matcher("ns", "=~", "prod").matches("production")
    assert Matcher("ns", "!~", "prod").matches("production")


def test_legend_labels() -> None:
    assert legend_labels("{{namespace}}/{{ policy }} {{namespace}}") == ("namespace", "policy")


def test_rate_interval_like_grafana() -> None:
    # 10 min at 200 points -> step 3 s; max(3 + 1, 4 x 1) = 4 s
    assert step_for(600, 1.0) == 3.0
    assert TimeContext(600, 3, 1).rate_interval == 4.0
    # 1 h at 200 points -> step 18 s; max(18 + 15, 4 x 15) = 60 s
    assert TimeContext(3600, step_for(3600, 15.0), 15).rate_interval == 60.0


def test_substitution_forms_all_and_multi_values() -> None:
    ctx = TimeContext(600, 3, 1)
    variables = {
        "ns": Resolved((), is_all=True, regex=True),
        "pol": Resolved(("a.b", "c"), regex=True),
        "one": Resolved(("x",)),
    }
    text = 'm{ns=~"$ns",p=~"${pol}",o="[[one]]"}[$__rate_interval] $__range $__interval $1'
    assert substitute(text, variables, ctx) == (
        'm{ns=~".*",p=~"(a\\\\.b|c)",o="x"}[4s] 10m 3s $1',
        (),
    )


def test_unknown_variables_are_reported() -> None:
    assert substitute('m{a=~"$nope"}', {}, TimeContext(60, 1, 1))[1] == ("nope",)
