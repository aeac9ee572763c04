"""Scrape each component's live ``/metrics`` and compare it with the metric catalog.

Parsing uses prometheus_client's own text parser; every catalog metric gets one row saying
whether it is present, has the right type and the right labels.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from kube_devops.core.catalog import CATALOG, Component, MetricSpec

_IGNORED_PREFIXES = ("process_", "python_", "scrape_")
_STRUCTURAL_LABELS = frozenset({"le", "quantile"})


class MetricStatus(StrEnum):
    """How one catalog metric fared in a component's live exposition."""

    OK = "ok"
    NO_SAMPLES = "no_samples"
    MISSING = "missing"
    WRONG_TYPE = "wrong_type"
    WRONG_LABELS = "wrong_labels"
    UNREACHABLE = "unreachable"
    EXTRA = "extra"
    """Exported but not in the catalog."""


_EXTRA = MetricStatus.EXTRA


@dataclass(frozen=True, slots=True)
class MetricCheck:
    """The verdict on one metric of one component's live exposition."""

    component: str
    name: str
    expected_type: str
    found_type: str
    expected_labels: tuple[str, ...]
    found_labels: tuple[str, ...]
    status: MetricStatus
    detail: str


def fetch_metrics(url: str, timeout: float = 5.0) -> str:
    """GET ``url`` (https without certificate checks, as our ServiceMonitor does)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
        body: bytes = response.read()
    return body.decode("utf-8")


def metrics_url(endpoint: str) -> str:
    """The ``/metrics`` URL of a component base URL (kept when it already names a path)."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/metrics") else f"{endpoint}/metrics"


def scrape_components(endpoints: Mapping[str, str]) -> list[MetricCheck]:
    """Scrape every component in ``endpoints`` (name -> base URL) and check it."""
    checks: list[MetricCheck] = []
    for name, endpoint in endpoints.items():
        component = Component(name)
        url = metrics_url(endpoint)
        try:
            text = fetch_metrics(url)
        except (OSError, urllib.error.URLError, ValueError) as err:
            checks.extend(_unreachable(component, url, err))
            continue
        checks.extend(compare(component, text_string_to_metric_families(text)))
    return checks


def compare(component: Component, families: Iterable[Metric]) -> list[MetricCheck]:
    """Check one component's parsed families against the catalog entries it owns."""
    found = {_exposed_name(f): f for f in families}
    expected = [spec for spec in CATALOG if spec.component is component]
    checks = [_check(spec, found.get(spec.name)) for spec in expected]
    known = {spec.name for spec in expected}
    created = {_created_name(spec) for spec in expected}
    for name, family in sorted(found.items()):
        if name not in known | created and not name.startswith(_IGNORED_PREFIXES):
            checks.append(
                MetricCheck(
                    component.value, name, "", family.type, (), _labels(family), _EXTRA,
                    "exported but not in the catalog: add it to the catalog and a panel",
                )
            )  # fmt: skip
    return checks


def _created_name(spec: MetricSpec) -> str:
    """prometheus_client's ``<name>_created`` timestamp series, parsed as a separate gauge."""
    return f"{spec.name.removesuffix('_total')}_created"


def _exposed_name(family: Metric) -> str:
    return f"{family.name}_total" if family.type == "counter" else family.name


def _labels(family: Metric) -> tuple[str, ...]:
    names = {k for s in family.samples for k in s.labels if k not in _STRUCTURAL_LABELS}
    return tuple(sorted(names))


def _check(spec: MetricSpec, family: Metric | None) -> MetricCheck:
    expected_labels = tuple(sorted(spec.labels))
    if family is None:
        detail = f"{spec.name} is not exported by {spec.component}"
        return _row(spec, "", (), MetricStatus.MISSING, detail)
    labels = _labels(family)
    if family.type != spec.type.value:
        detail = f"{spec.name} is a {family.type}, the catalog says {spec.type.value}"
        return _row(spec, family.type, labels, MetricStatus.WRONG_TYPE, detail)
    if not family.samples:
        return _row(spec, family.type, labels, MetricStatus.NO_SAMPLES, "declared, no samples yet")
    if labels != expected_labels:
        detail = f"labels {list(labels)}, the catalog says {list(expected_labels)}"
        return _row(spec, family.type, labels, MetricStatus.WRONG_LABELS, detail)
    return _row(spec, family.type, labels, MetricStatus.OK, f"{len(family.samples)} samples")


def _row(
    spec: MetricSpec, found_type: str, labels: tuple[str, ...], status: MetricStatus, detail: str
) -> MetricCheck:
    expected_labels = tuple(sorted(spec.labels))
    return MetricCheck(
        spec.component.value, spec.name, spec.type.value, found_type, expected_labels, labels,
        status, detail,
    )  # fmt: skip


def _unreachable(component: Component, url: str, err: Exception) -> list[MetricCheck]:
    detail = f"cannot scrape {url}: {err}"
    return [
        _row(spec, "", (), MetricStatus.UNREACHABLE, detail)
        for spec in CATALOG
        if spec.component is component
    ]
