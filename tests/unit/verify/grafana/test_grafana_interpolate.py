"""``$var``, ``${var}``, ``[[var]]``, All and allValue, and names that are not variables; by hand
from ``@grafana/scenes`` ``sceneInterpolator.ts`` and ``MultiValueVariable.ts`` (``getValue``,
``CustomAllValue.formatter``)."""

from __future__ import annotations

from kube_devops.verify.grafana.formats import prometheus
from kube_devops.verify.grafana.interpolate import Scope, interpolate
from kube_devops.verify.grafana.values import ALL_VALUE, Value

JOB = Value("job", "custom", "node", "node", ("node",))
ALL = Value("host", "query", ALL_VALUE, "All", ("a", "b.c"), ("a", "b.c"), include_all=True)
ALL_CUSTOM = Value(
    "host", "query", ALL_VALUE, "All", ("a", "b.c"), ("a", "b.c"), include_all=True, all_value=".*"
)


def test_three_reference_syntaxes_give_the_same_value() -> None:
    found = interpolate("$job ${job} [[job]]", Scope({"job": JOB}), prometheus)
    assert found.text == "node node node"
    assert found.undefined == ()


def test_all_without_all_value_is_every_option() -> None:
    """getValue with All and no allValue: every option value, then interpolateQueryExpr."""
    found = interpolate('up{host=~"$host"}', Scope({"host": ALL}), prometheus)
    assert found.text == r'up{host=~"(a|b\\.c)"}'


def test_all_with_all_value_is_used_as_written() -> None:
    """CustomAllValue: allValue is neither escaped nor formatted."""
    assert interpolate('up{host=~"$host"}', Scope({"host": ALL_CUSTOM}), prometheus).text == (
        'up{host=~".*"}'
    )
    assert interpolate("${host:csv}", Scope({"host": ALL_CUSTOM})).text == ".*"


def test_all_value_text_percentencode_and_queryparam() -> None:
    """CustomAllValue.formatter: text -> All; percentencode formats allValue; queryparam gives
    the URL state, $__all."""
    scope = Scope({"host": ALL_CUSTOM})
    assert interpolate("${host:text}", scope).text == "All"
    assert interpolate("${host:percentencode}", scope).text == ".%2A"
    assert interpolate("${host:queryparam}", scope).text == "var-host=$__all"


def test_all_value_referring_to_another_variable_is_interpolated_again() -> None:
    nested = Value("host", "query", ALL_VALUE, "All", ("a",), ("a",), True, True, "$job-.*")
    found = interpolate("$host", Scope({"host": nested, "job": JOB}), prometheus)
    assert found.text == "node-.*"


def test_undefined_names_are_left_and_reported_once() -> None:
    found = interpolate('up{a="$nope", b="${nope}", c="$job"}', Scope({"job": JOB}))
    assert found.text == 'up{a="$nope", b="${nope}", c="node"}'
    assert found.undefined == ("nope",)


def test_longer_name_is_not_a_shorter_variable() -> None:
    """``\\$(\\w+)`` takes the whole word: ``$jobname`` is not ``$job`` + ``name``."""
    found = interpolate("$jobname", Scope({"job": JOB}))
    assert (found.text, found.undefined) == ("$jobname", ("jobname",))


def test_regex_group_references_and_builtins_are_not_variables() -> None:
    text = 'label_replace(up, "x", "$1", "instance", "(.*)") [$__rate_interval] ${__range}'
    found = interpolate(text, Scope({}))
    assert (found.text, found.undefined) == (text, ())


def test_macros_are_replaced() -> None:
    scope = Scope({}, {"__from": "1700000000000", "__dashboard": "Nodes"})
    assert interpolate("$__from ${__from:date:seconds} $__dashboard", scope).text == (
        "1700000000000 1700000000 Nodes"
    )
