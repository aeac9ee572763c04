"""Prometheus variable queries, answered the way Grafana's Prometheus data source answers them.

Follows ``@grafana/prometheus`` ``metric_find_query.ts`` (``PrometheusMetricFindQuery.process``):
``label_names()`` and ``label_names(match)`` ask ``/api/v1/labels``; ``label_values(label)`` and
``label_values(selector, label)`` ask ``/api/v1/label/<label>/values`` (with ``match[]``);
``metrics(regex)`` filters ``/api/v1/label/__name__/values`` with the regex (unanchored, like
JavaScript's ``RegExp.test``); ``query_result(expr)`` runs an instant query at the range's end and
gives one option per series, written ``name{label="value",...} value timestamp_ms``; any other
text asks ``/api/v1/series`` for it and gives each series' metric name. Every request carries the
dashboard range, start rounded down and end rounded up to whole seconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Protocol

_LABEL_NAMES = re.compile(r"^label_names\(\)\s*$")
_LABEL_NAMES_MATCH = re.compile(r"^label_names\((.+)\)\s*$", re.S)
_LABEL_VALUES = re.compile(r"^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)\s*$", re.S)
_METRICS = re.compile(r"^metrics\((.+)\)\s*$", re.S)
_QUERY_RESULT = re.compile(r"^query_result\((.+)\)\s*$", re.S)


class VariableSource(Protocol):
    """The Prometheus HTTP API calls variable queries need (``/api/v1/...``)."""

    def get(self, path: str, params: Mapping[str, str]) -> Any:
        """The ``data`` field of a successful answer; raises ``QueryError`` otherwise."""
        ...


def find_values(source: VariableSource, query: str, start: float, end: float) -> list[str]:
    """The texts a Prometheus variable query gives, in the order Prometheus returns them."""
    window = {"start": str(math.floor(start)), "end": str(math.ceil(end))}
    query = query.strip()
    if _LABEL_NAMES.match(query):
        return [str(v) for v in _listed(source, "/api/v1/labels", window)]
    if found := _LABEL_VALUES.match(query):
        return _label_values(source, found.group(2), found.group(1), window)
    if found := _LABEL_NAMES_MATCH.match(query):
        return [str(v) for v in _listed(source, "/api/v1/labels", {**window, "match[]": found[1]})]
    if found := _METRICS.match(query):
        names = _listed(source, "/api/v1/label/__name__/values", window)
        pattern = re.compile(re.sub(r"\(\?<(?![=!])", "(?P<", found.group(1)))
        return [str(n) for n in names if pattern.search(str(n))]
    if found := _QUERY_RESULT.match(query):
        data = source.get("/api/v1/query", {"query": found.group(1), "time": window["end"]})
        return _query_result(data if isinstance(data, Mapping) else {})
    if query in {"", "label_values()", "metrics()", "query_result()"}:
        return []
    series = _listed(source, "/api/v1/series", {**window, "match[]": query})
    return [_metric_name(s) for s in series if isinstance(s, Mapping)]


def editor_query(model: Mapping[str, Any]) -> str:
    """The query text of a variable saved by Prometheus' variable editor: its ``query``, else
    the text ``migrateVariableEditorBackToVariableSupport`` builds from ``qryType`` (0 label
    names, 1 label values, 2 metrics, 3 query result, 4 series, 5 classic)."""
    if model.get("query"):
        return str(model["query"])
    kind, label, metric = model.get("qryType"), model.get("label") or "", model.get("metric") or ""
    selector = _selector(str(metric), model.get("labelFilters"))
    built = {
        0: f"label_names({selector})" if selector else "label_names()",
        1: f"label_values({selector},{label})" if selector else f"label_values({label})",
        2: f"metrics({metric})",
        3: f"query_result({model.get('varQueryResult') or ''})",
        4: str(model.get("seriesQuery") or ""),
        5: str(model.get("classicQuery") or ""),
    }
    return built.get(kind, "") if isinstance(kind, int) else ""


def _selector(metric: str, filters: Any) -> str:
    matchers = [
        f'{f.get("label")}{f.get("op", "=")}"{f.get("value")}"'
        for f in filters or []
        if isinstance(f, Mapping) and f.get("label")
    ]
    return f"{metric}{{{','.join(matchers)}}}" if matchers else metric


def _label_values(
    source: VariableSource, label: str, match: str | None, window: Mapping[str, str]
) -> list[str]:
    params = {**window, "match[]": match} if match else dict(window)
    return [str(v) for v in _listed(source, f"/api/v1/label/{label}/values", params)]


def _listed(source: VariableSource, path: str, params: Mapping[str, str]) -> list[Any]:
    """The answer's ``data`` when it is a list, else nothing."""
    data = source.get(path, params)
    return data if isinstance(data, list) else []


def _query_result(data: Mapping[str, Any]) -> list[str]:
    kind, result = data.get("resultType"), data.get("result")
    if kind in {"scalar", "string"}:
        return [str(result[1]) if result and result[1] else ""]
    return [_series_text(item) for item in result or [] if isinstance(item, Mapping)]


def _series_text(item: Mapping[str, Any]) -> str:
    labels = dict(item.get("metric") or {})
    name = labels.pop("__name__", "")
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
    at, value = item.get("value") or (0, "")
    return f"{name}{{{inner}}} {value} {_js_number(float(at) * 1000)}"


def _js_number(number: float) -> str:
    """JavaScript's ``String(number)`` for a timestamp in milliseconds."""
    return str(int(number)) if number.is_integer() else repr(number)


def _metric_name(labels: Mapping[str, str]) -> str:
    """``getOriginalMetricName``: ``name{label="value", ...}`` without ``__name__``."""
    name = labels.get("__name__", "")
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items() if k != "__name__")
    return f"{name}{{{inner}}}"
