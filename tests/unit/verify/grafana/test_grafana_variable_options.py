"""Variable options: regex (capture groups, named groups ``text``/``value``, ``/g``), sort modes
0-8, custom ``text : value``, and which option is chosen. By hand from ``@grafana/scenes``
``variables/variants/query/utils.ts`` (``metricNamesToVariableValues``, ``sortVariableValues``),
``CustomVariable.tsx`` (``transformCsvStringToOptions``) and ``MultiValueVariable.ts``
(``getStateUpdateGivenNewOptions``)."""

from __future__ import annotations

import pytest

from kube_devops.verify.grafana.options import VariableRegexError, apply_regex, sort_options
from kube_devops.verify.grafana.selection import select
from kube_devops.verify.grafana.variables import Variable, split_custom

NODES = [(v, v) for v in ("node-a:9100", "node-b:9100", "node-a:9200")]


def test_capture_group_becomes_text_and_value_and_duplicates_go() -> None:
    assert apply_regex(NODES, "/([^:]+):.*/") == [("node-a", "node-a"), ("node-b", "node-b")]


def test_named_groups_text_and_value() -> None:
    found = apply_regex([("web:80", "web:80")], "/(?<text>[^:]+):(?<value>\\d+)/")
    assert found == [("web", "80")]


def test_value_group_alone_is_also_the_text() -> None:
    assert apply_regex([("web:80", "web:80")], "/(?<value>[^:]+)/") == [("web", "web")]


def test_global_regex_gives_one_option_per_match() -> None:
    assert apply_regex([("a=1,b=2", "a=1,b=2")], "/(\\w)=\\d/g") == [("a", "a"), ("b", "b")]


def test_regex_without_group_filters_and_keeps_the_value() -> None:
    assert apply_regex(NODES, "/node-a/") == [
        ("node-a:9100", "node-a:9100"),
        ("node-a:9200", "node-a:9200"),
    ]


def test_regex_without_slashes_is_anchored() -> None:
    """stringToJsRegex: a string not starting with '/' becomes ^...$."""
    items = [("node-a", "node-a"), ("x-node-a", "x-node-a")]
    assert apply_regex(items, "node-.*") == [("node-a", "node-a")]


def test_regex_flags() -> None:
    assert apply_regex([("NODE", "NODE"), ("other", "other")], "/node/i") == [("NODE", "NODE")]


def test_invalid_regex_is_an_error_naming_it() -> None:
    with pytest.raises(VariableRegexError, match=r"regex '/\(/'"):
        apply_regex(NODES, "/(/")
    with pytest.raises(VariableRegexError, match="does not end with '/'"):
        apply_regex(NODES, "/node-a")


TEXTS = ["b10", "a2", "B1", "a10"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (0, ["b10", "a2", "B1", "a10"]),
        (1, ["B1", "a10", "a2", "b10"]),  # code units: 'B' < 'a'
        (2, ["b10", "a2", "a10", "B1"]),
        (3, ["B1", "a2", "b10", "a10"]),  # first number; stable for 10 == 10
        (4, ["a10", "b10", "a2", "B1"]),
        (5, ["a10", "a2", "B1", "b10"]),
        (6, ["b10", "B1", "a2", "a10"]),
        (7, ["a2", "a10", "B1", "b10"]),  # natural: numbers by value, case ignored
        (8, ["b10", "B1", "a10", "a2"]),
    ],
)
def test_sort_modes(mode: int, expected: list[str]) -> None:
    options = [(t, t) for t in TEXTS]
    assert [t for t, _ in sort_options(options, mode)] == expected


def test_custom_values_split_text_and_value_and_escaped_commas() -> None:
    assert split_custom(r"Production : prod, staging,a\,b") == [
        ("Production", "prod"),
        ("staging", "staging"),
        ("a,b", "a,b"),
    ]


def test_custom_colon_without_spaces_is_one_value() -> None:
    assert split_custom("host:9100") == [("host:9100", "host:9100")]


OPTIONS = [("A", "a"), ("B", "b")]


def _var(current: str | tuple[str, ...], **flags: bool) -> Variable:
    text = current if isinstance(current, str) else tuple(current)
    return Variable("v", "query", "", current, text, **flags)  # type: ignore[arg-type]  # **flags: only bool fields are passed


def test_saved_value_still_offered_is_kept() -> None:
    value = select(_var("b"), OPTIONS)
    assert (value.value, value.text) == ("b", "B")


def test_stale_saved_value_gives_the_first_option() -> None:
    assert select(_var("gone"), OPTIONS).value == "a"


def test_stale_saved_value_gives_all_when_the_variable_includes_all() -> None:
    """defaultToAll is Boolean(includeAll) for dashboards (transformSaveModelToScene)."""
    assert select(_var("gone", include_all=True), OPTIONS).is_all


def test_saved_text_matches_when_the_value_changed() -> None:
    variable = Variable("v", "query", "", "old-id", "B")
    assert select(variable, OPTIONS).value == "b"


def test_multi_keeps_the_saved_values_still_offered() -> None:
    value = select(_var(("b", "gone"), multi=True), OPTIONS)
    assert (value.value, value.text) == (("b",), ("B",))


def test_multi_with_nothing_left_takes_the_first_option() -> None:
    assert select(_var(("gone",), multi=True), OPTIONS).value == ("a",)


def test_saved_all_stays_all_only_while_all_is_offered() -> None:
    assert select(_var("$__all", include_all=True), OPTIONS).is_all
    assert select(_var("$__all"), OPTIONS).value == "a"


@pytest.mark.parametrize(
    ("flags", "value", "text"),
    [({}, "", ""), ({"multi": True}, (), ()), ({"include_all": True}, "$__all", "All")],
)
def test_no_options_gives_grafanas_empty_value(
    flags: dict[str, bool], value: object, text: object
) -> None:
    """options.length === 0: All when includeAll, [] when multi, else '' (a stale saved value
    is dropped)."""
    chosen = select(_var("stale", **flags), [])
    assert (chosen.value, chosen.text) == (value, text)
