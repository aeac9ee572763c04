"""Resolving variables: each type, chained variables in dependency order, Prometheus variable
query forms, empty results and errors. Expected values by hand from ``@grafana/prometheus``
``metric_find_query.ts`` (``PrometheusMetricFindQuery.process``), ``@grafana/scenes`` variable
types and ``rangeutil.calculateInterval`` (interval ``auto``)."""

from __future__ import annotations

from collections.abc import Mapping

from kube_devops.verify.grafana.metricfind import find_values
from kube_devops.verify.grafana.resolve import Frame, resolve
from kube_devops.verify.grafana.variables import Variable, dependency_order, read_variables
from tests.unit.verify.grafana.grafana_fakes import TableSource

FRAME = Frame(start=1699996400.5, end=1700000000.5, scrape="15s", macros={})
WINDOW = {"start": "1699996400", "end": "1700000001"}  # start rounded down, end up


def test_label_values_with_a_selector_asks_label_values_with_match() -> None:
    source = TableSource({("/api/v1/label/instance/values", 'up{job="x"}'): ["a", "b"]})
    assert find_values(source, 'label_values(up{job="x"}, instance)', FRAME.start, FRAME.end) == [
        "a",
        "b",
    ]
    assert source.calls == [("/api/v1/label/instance/values", {**WINDOW, "match[]": 'up{job="x"}'})]


def test_label_values_without_metric_label_names_and_metrics() -> None:
    source = TableSource(
        {
            ("/api/v1/label/job/values", ""): ["node"],
            ("/api/v1/labels", ""): ["__name__", "job"],
            ("/api/v1/label/__name__/values", ""): ["node_cpu_seconds_total", "up", "node_load1"],
        }
    )
    assert find_values(source, "label_values(job)", 0, 10) == ["node"]
    assert find_values(source, "label_names()", 0, 10) == ["__name__", "job"]
    assert find_values(source, "metrics(node_)", 0, 10) == ["node_cpu_seconds_total", "node_load1"]


def test_query_result_text_is_name_labels_value_and_milliseconds() -> None:
    """queryResultQuery: name{k="v",...} value timestamp*1000, at the range's end."""
    data = {
        "resultType": "vector",
        "result": [
            {
                "metric": {"__name__": "up", "instance": "a:9100", "job": "node"},
                "value": [1700000000.5, "1"],
            }
        ],
    }
    source = TableSource({("/api/v1/query", "up"): data})
    assert find_values(source, "query_result(up)", 0, 1700000000.5) == [
        'up{instance="a:9100",job="node"} 1 1700000000500'
    ]
    assert source.calls[0][1]["time"] == "1700000001"


def test_bare_selector_asks_series_for_metric_names() -> None:
    source = TableSource({("/api/v1/series", "up"): [{"__name__": "up", "job": "node"}]})
    assert find_values(source, "up", 0, 10) == ['up{job="node"}']


def _variables(*entries: Mapping[str, object]) -> list[Variable]:
    return read_variables({"templating": {"list": list(entries)}})


def test_chained_variables_resolve_in_dependency_order() -> None:
    """$instance is written before $job but depends on it: $job first."""
    listed = _variables(
        {
            "name": "instance",
            "type": "query",
            "query": {"query": 'label_values(up{job="$job"}, instance)'},
        },
        {
            "name": "job",
            "type": "query",
            "query": "label_values(up, job)",
            "current": {"value": "prom"},
        },
    )
    assert [v.name for v in dependency_order(listed)] == ["job", "instance"]
    source = TableSource(
        {
            ("/api/v1/label/job/values", "up"): ["node", "prom"],
            ("/api/v1/label/instance/values", 'up{job="prom"}'): ["localhost:9090"],
        }
    )
    values, choices = resolve(listed, source, FRAME)
    assert values["instance"].value == "localhost:9090"
    assert [c.name for c in choices] == ["instance", "job"]
    assert choices[0].query == 'label_values(up{job="prom"}, instance)'


def test_regex_and_sort_apply_to_query_results() -> None:
    listed = _variables(
        {
            "name": "node",
            "type": "query",
            "query": "label_values(up, instance)",
            "regex": "/([^:]+):.*/",
            "sort": 2,
        }
    )
    source = TableSource({("/api/v1/label/instance/values", "up"): ["a:1", "c:1", "b:1"]})
    _, (choice,) = resolve(listed, source, FRAME)
    assert (choice.values, choice.chosen, choice.status) == (("c", "b", "a"), ("c",), "ok")


def test_empty_result_with_stale_current_gives_the_empty_value() -> None:
    listed = _variables(
        {
            "name": "node",
            "type": "query",
            "query": "label_values(up, instance)",
            "current": {"text": "old:9100", "value": "old:9100"},
        }
    )
    values, (choice,) = resolve(
        listed, TableSource({("/api/v1/label/instance/values", "up"): []}), FRAME
    )
    assert (values["node"].value, choice.status, choice.chosen) == ("", "empty", ("",))
    assert "returned no values" in choice.detail


def test_failing_query_is_an_error_choice() -> None:
    listed = _variables({"name": "node", "type": "query", "query": "label_values(up{, instance)"})
    _, (choice,) = resolve(listed, TableSource({}), FRAME)
    assert choice.status == "error"
    assert "bad_data" in choice.detail


def test_custom_constant_textbox_and_datasource() -> None:
    listed = _variables(
        {
            "name": "env",
            "type": "custom",
            "query": "Production : prod, dev",
            "current": {"text": "Production", "value": "prod"},
        },
        {"name": "job", "type": "constant", "query": "node"},
        {"name": "filter", "type": "textbox", "query": "default", "current": {"value": "typed"}},
        {"name": "ds", "type": "datasource", "query": "prometheus"},
    )
    values, _ = resolve(listed, TableSource({}), FRAME)
    assert [values[n].value for n in ("env", "job", "filter", "ds")] == [
        "prod",
        "node",
        "typed",
        "prometheus",
    ]
    assert values["env"].value_text() == "Production"


def test_interval_auto_uses_the_step_count_and_minimum() -> None:
    """auto over 1h: roundInterval(3600000 / 30 = 120000) = 120000 -> 2m; auto_min 5m wins."""
    auto = {
        "name": "i",
        "type": "interval",
        "query": "1m,5m",
        "auto": True,
        "current": {"text": "auto", "value": "$__auto_interval_i"},
    }
    values, _ = resolve(_variables(auto), TableSource({}), FRAME)
    assert values["i"].value == "2m"
    values, _ = resolve(_variables({**auto, "auto_min": "5m"}), TableSource({}), FRAME)
    assert values["i"].value == "5m"


def test_interval_without_auto_keeps_a_valid_current() -> None:
    entry = {
        "name": "i",
        "type": "interval",
        "query": "1m, 5m",
        "current": {"text": "5m", "value": "5m"},
    }
    values, _ = resolve(_variables(entry), TableSource({}), FRAME)
    assert values["i"].value == "5m"


def test_variable_query_sees_range_builtins() -> None:
    """metricFindQuery: getRangeScopedVars gives $__range = round(range in s) + 's'."""
    listed = _variables(
        {"name": "x", "type": "query", "query": "query_result(max_over_time(up[$__range]))"}
    )
    source = TableSource(
        {("/api/v1/query", "max_over_time(up[3600s])"): {"resultType": "vector", "result": []}}
    )
    _, (choice,) = resolve(listed, source, FRAME)
    assert choice.query == "query_result(max_over_time(up[3600s]))"


def test_query_variable_of_another_data_source_keeps_its_saved_value() -> None:
    """A Loki variable query is not Prometheus' to answer: it is skipped, as saved."""
    listed = _variables({
        "name": "pod", "type": "query", "query": 'label_values({app="x"}, pod)',
        "datasource": {"type": "loki", "uid": "logs"}, "current": {"value": "pod-1"},
    })  # fmt: skip
    frame = Frame(0, 3600, "15s", {}, plugin_of=lambda ref: ref["type"])
    values, (choice,) = resolve(listed, TableSource({}), frame)
    assert (values["pod"].value, choice.status) == ("pod-1", "skipped")
    assert (
        choice.detail == "loki variable query: not run against Prometheus; its saved value is used"
    )


def test_textbox_saved_as_a_list_takes_the_first_value() -> None:
    listed = _variables(
        {"name": "f", "type": "textbox", "query": "q", "current": {"value": ["a", "b"]}}
    )
    values, _ = resolve(listed, TableSource({}), FRAME)
    assert values["f"].value == "a"


def test_variable_editor_models_without_query_text() -> None:
    """migrateVariableEditorBackToVariableSupport: the text built from qryType and its fields."""
    filters = [{"label": "job", "op": "=", "value": "node"}]
    values = {"qryType": 1, "label": "instance", "metric": "up", "labelFilters": filters}
    listed = _variables(
        {"name": "a", "type": "query", "query": values},
        {"name": "b", "type": "query", "query": {"qryType": 1, "label": "job"}},
        {"name": "c", "type": "query", "query": {"qryType": 3, "varQueryResult": "up"}},
        {"name": "d", "type": "query", "query": {"qryType": 2, "metric": "node_"}},
    )  # fmt: skip
    assert [v.query for v in listed] == [
        'label_values(up{job="node"},instance)',
        "label_values(job)",
        "query_result(up)",
        "metrics(node_)",
    ]
