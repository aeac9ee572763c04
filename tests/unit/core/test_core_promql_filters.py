"""Value filters: the comparison and ``and``/``unless`` parts of a query that can empty it by
design, each with the query that remains without it (worked out by hand)."""

from __future__ import annotations

import pytest

from kube_devops.core.promql_filters import ValueFilter, value_filters, without_filters


@pytest.mark.parametrize(
    ("expr", "filters"),
    [
        ("rate(x[5m]) > 0", [("> 0", "(rate(x{}[5m]))")]),
        ("up != 1", [("!= 1", "(up{})")]),
        ("0 < x", [("0 <", "(x{})")]),
        ("sum by (job) (rate(x[5m]) != 0)", [("!= 0", "sum by (job)((rate(x{}[5m])))")]),
        ("a unless b", [("unless b", "(a{})")]),
        (
            "a and on(job) b == 1",
            [("and on (job) b == 1", "(a{})"), ("== 1", "a{} and on (job) (b{})")],
        ),
        ('absent(up{job="db"})', [('absent(up{job="db"})', '(up{job="db"})')]),
        ("absent_over_time(x[5m])", [("absent_over_time(x[5m])", "(last_over_time(x{}[5m]))")]),
        (
            "sum(rate(x[5m]) > 0) > 10",
            [("> 10", "(sum(rate(x{}[5m]) > 0))"), ("> 0", "sum((rate(x{}[5m]))) > 10")],
        ),
    ],
)
def test_value_filters_outermost_first(expr: str, filters: list[tuple[str, str]]) -> None:
    assert value_filters(expr) == tuple(ValueFilter(t, u) for t, u in filters)


@pytest.mark.parametrize(
    "expr",
    ["up == bool 0", "1 > 0", "rate(x[5m]) * 60", "a or b", "sum(rate(x[5m]", "rate(x[$__range])"],
)
def test_no_value_filter(expr: str) -> None:
    """``bool`` comparisons return 0/1 instead of filtering; scalar-only comparisons and ``or``
    filter nothing; an unreadable or uninterpolated query gives no filter."""
    assert value_filters(expr) == ()


def test_without_filters_removes_nested_filters() -> None:
    assert without_filters("sum(rate(x[5m]) > 0) > 10") == "(sum((rate(x{}[5m]))))"
