"""Format specifiers and the Prometheus default format, expected values worked out by hand from
``@grafana/scenes`` ``variables/interpolation/formatRegistry.ts`` and ``@grafana/prometheus``
``datasource.ts`` (``interpolateQueryExpr``, ``prometheusRegularEscape``,
``prometheusSpecialRegexEscape``)."""

from __future__ import annotations

import pytest

from kube_devops.verify.grafana.formats import Formatter, prometheus
from kube_devops.verify.grafana.interpolate import Scope, interpolate
from kube_devops.verify.grafana.values import Value

MULTI = Value(
    name="host",
    type="custom",
    value=("web-1", "db.2"),
    text=("Web 1", "db.2"),
    options=("web-1", "db.2", "x"),
    option_texts=("Web 1", "db.2", "x"),
    multi=True,
)


def _with(variable: Value, text: str, default: Formatter | str | None = None) -> str:
    return interpolate(text, Scope({variable.name: variable}), default).text


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "web-1,db.2"),
        ("pipe", "web-1|db.2"),
        ("regex", r"(web-1|db\.2)"),  # escapeRegex: '-' is not special, '.' is
        ("glob", "{web-1,db.2}"),
        ("json", '["web-1","db.2"]'),
        ("raw", "web-1,db.2"),  # String(array)
        ("text", "Web 1 + db.2"),  # getValueText joins texts with ' + '
        ("doublequote", '"web-1","db.2"'),
        ("singlequote", "'web-1','db.2'"),
        ("sqlstring", "'web-1','db.2'"),
        ("queryparam", "var-host=web-1&var-host=db.2"),
        ("percentencode", "%7Bweb-1%2Cdb.2%7D"),  # encodeURIComponentStrict('{web-1,db.2}')
        ("lucene", r'("web\-1" OR "db.2")'),  # luceneEscape escapes '-', not '.'
        ("distributed", "web-1,host=db.2"),
        ("nosuchformat", "{web-1,db.2}"),  # unknown format: glob
    ],
)
def test_each_format_of_a_multi_value_variable(fmt: str, expected: str) -> None:
    """formatRegistry.ts: one formatter per id, given the array of chosen values."""
    assert _with(MULTI, f"${{host:{fmt}}}") == expected


def test_bracket_syntax_takes_a_format_too() -> None:
    """sceneInterpolator VARIABLE_REGEX: ``[[name:format]]``."""
    assert _with(MULTI, "[[host:pipe]]") == "web-1|db.2"


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        ("singlequote", "it's", r"'it\'s'"),
        ("doublequote", 'say "hi"', r'"say \"hi\""'),
        ("sqlstring", "it's", "'it''s'"),
        ("lucene", "a b:c", r"a\ b\:c"),
        ("lucene", "42", "42"),  # numbers are not escaped
        ("percentencode", "a b/c!", "a%20b%2Fc%21"),
        ("queryparam", "a b", "var-host=a%20b"),
        ("json", "x", "x"),  # a string is returned as it is
        ("glob", "x", "x"),
        ("regex", "1.2.3.4:9100", r"1\.2\.3\.4:9100"),
        ("csv", "x", "x"),
    ],
)
def test_formats_of_a_single_value(fmt: str, value: str, expected: str) -> None:
    single = Value("host", "custom", value, value, (value,))
    assert _with(single, f"${{host:{fmt}}}") == expected


def test_lucene_of_no_values_is_the_empty_marker() -> None:
    empty = Value("host", "query", (), (), (), multi=True)
    assert _with(empty, "${host:lucene}") == "__empty__"


def test_prometheus_default_of_a_multi_value_is_a_regex_group() -> None:
    """interpolateQueryExpr: multi -> prometheusSpecialRegexEscape each, joined (a|b); the
    escape doubles the backslash so the PromQL string holds ``\\.``."""
    assert _with(MULTI, 'up{host=~"$host"}', prometheus) == r'up{host=~"(web-1|db\\.2)"}'


def test_prometheus_default_of_a_single_value_escapes_backslash_and_quote() -> None:
    """prometheusRegularEscape: ``\\`` -> ``\\\\`` and ``'`` -> ``\\\\'`` when neither multi nor
    include-All."""
    single = Value("who", "textbox", r"O'Neil\x", r"O'Neil\x", (r"O'Neil\x",))
    assert _with(single, "$who", prometheus) == r"O\\'Neil\\x"


def test_prometheus_default_of_one_value_of_a_multi_variable_is_regex_escaped() -> None:
    one = Value(
        "host", "query", ("10.0.0.1:9100",), ("10.0.0.1:9100",), ("10.0.0.1:9100",), multi=True
    )
    assert _with(one, "$host", prometheus) == r"10\\.0\\.0\\.1:9100"


def test_written_format_wins_over_the_prometheus_default() -> None:
    """sceneInterpolator: ``fmt2 || fmt3 || format`` - the reference's own format first."""
    assert _with(MULTI, 'up{host=~"${host:pipe}"}', prometheus) == 'up{host=~"web-1|db.2"}'
