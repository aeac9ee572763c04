"""Check PromQL against the metric catalog: known series names, labels that really exist (pure).

Used by the contract tests of the dashboard and the alert rules, and reusable by the verifier:
every selected series must be exported, every label named in a matcher, a ``by``/``without``
clause or a legend must exist on the series it refers to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kube_devops.core.catalog import CATALOG, MetricSpec, MetricType
from kube_devops.core.promql import analyze, legend_labels

#: Labels Prometheus (through the Prometheus Operator) attaches to every scraped target.
TARGET_LABELS = frozenset({"job", "instance", "namespace", "service", "pod", "endpoint"})

#: Series Prometheus synthesises per target; alert rules may use them, the dashboard does not.
SYNTHETIC_SERIES: Mapping[str, frozenset[str]] = {"up": TARGET_LABELS}


def series_labels(specs: Iterable[MetricSpec] = CATALOG) -> dict[str, frozenset[str]]:
    """Every exposed series name of the catalog with the labels it carries.

    A histogram's ``_bucket`` series also carries ``le``.
    """
    table: dict[str, frozenset[str]] = {}
    for spec in specs:
        for series in spec.series_names:
            extra = (
                {"le"}
                if spec.type is MetricType.HISTOGRAM and series.endswith("_bucket")
                else set()
            )
            table[series] = frozenset(spec.labels) | extra
    return table


def family_of(series: str, specs: Iterable[MetricSpec] = CATALOG) -> str | None:
    """The catalog metric a series name belongs to (``x_bucket`` -> ``x``), or ``None``."""
    for spec in specs:
        if series in spec.series_names:
            return spec.name
    return None


def query_problems(
    expr: str,
    legend: str = "",
    *,
    known: Mapping[str, frozenset[str]] | None = None,
) -> list[str]:
    """Every way ``expr`` (and its legend) disagrees with the catalog; empty when it agrees."""
    table = dict(series_labels() if known is None else known)
    analysis = analyze(expr, lambda name: table.get(name, frozenset()))
    problems: list[str] = []
    for selector in analysis.selectors:
        if not selector.metric:
            problems.append(f"{expr!r}: a selector without a metric name")
            continue
        if selector.metric not in table:
            problems.append(f"{expr!r}: metric {selector.metric!r} is not in the catalog")
            continue
        for matcher in selector.matchers:
            if matcher.name not in table[selector.metric]:
                problems.append(_missing(expr, matcher.name, selector.metric, "matcher"))
    for grouping in analysis.groupings:
        for label in grouping.labels:
            for metric in grouping.metrics:
                if metric in table and label not in table[metric]:
                    problems.append(_missing(expr, label, metric, "grouping"))
    result = analysis.result_labels or frozenset()
    for label in sorted(frozenset(legend_labels(legend)) - result):
        problems.append(f"{expr!r}: legend names {label!r}, which the result does not carry")
    return problems


def _missing(expr: str, label: str, metric: str, where: str) -> str:
    return f"{expr!r}: {where} label {label!r} does not exist on {metric!r}"
