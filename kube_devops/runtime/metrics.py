"""Prometheus collectors of one component, built from the metric catalog on a given registry.

Public API:

- ``build_metrics(component, registry, preset=None, names=None) -> ComponentMetrics`` —
  registers every catalog metric of ``component`` (or only those in ``names``, for metrics a
  component exports through its own collector) on ``registry`` (never the global one).
  Labelled metrics get the label sets of ``preset`` (default ``DEFAULT_PRESETS``) initialised to
  zero so their series exist before the first event.
- ``ComponentMetrics`` — a read-only mapping ``name -> collector`` with typed accessors
  ``gauge(name)``, ``counter(name)``, ``histogram(name)``; names are the catalog's exposed names
  (counters include ``_total``). Components look names up once, in the ``build`` of their typed
  metrics dataclass (``WatchMetrics``, ``ReconcileMetrics``, ``WebhookMetrics``), and count through
  its attributes.
- ``DEFAULT_PRESETS`` — known label values per metric (pod event types).

Counters are exposed without ``_created`` series (the dashboard and verifier read only the catalog
names). That is a process-wide prometheus_client switch: it is set once, when this module is
first imported (before any collector of ours exists), never per build.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

from kube_devops.core.catalog import Component, MetricSpec, MetricType, for_component

_T = TypeVar("_T")

prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]

#: Label values initialised at start-up, per metric name.
DEFAULT_PRESETS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "pod_events_total": (("ADDED",), ("MODIFIED",), ("DELETED",)),
}


class ComponentMetrics(Mapping[str, MetricWrapperBase]):
    """The collectors of one component, by exposed metric name."""

    def __init__(self, component: Component, collectors: Mapping[str, MetricWrapperBase]) -> None:
        self.component = component
        self._collectors = dict(collectors)

    def __getitem__(self, name: str) -> MetricWrapperBase:
        try:
            return self._collectors[name]
        except KeyError:
            raise KeyError(
                f"metric {name!r} does not belong to the {self.component} component; "
                f"known: {sorted(self._collectors)}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._collectors)

    def __len__(self) -> int:
        return len(self._collectors)

    def gauge(self, name: str) -> Gauge:
        """The gauge called ``name``; ``TypeError`` if it is another type."""
        return _typed(self[name], Gauge, name)

    def counter(self, name: str) -> Counter:
        """The counter called ``name`` (with its ``_total`` suffix)."""
        return _typed(self[name], Counter, name)

    def histogram(self, name: str) -> Histogram:
        """The histogram called ``name``."""
        return _typed(self[name], Histogram, name)


def _typed(collector: MetricWrapperBase, kind: type[_T], name: str) -> _T:
    if not isinstance(collector, kind):
        raise TypeError(f"metric {name!r} is a {type(collector).__name__}, not a {kind.__name__}")
    return collector


def build_metrics(
    component: Component,
    registry: CollectorRegistry,
    preset: Mapping[str, Iterable[tuple[str, ...]]] | None = None,
    names: Iterable[str] | None = None,
) -> ComponentMetrics:
    """Register the catalog metrics of ``component`` (or only ``names``) on ``registry``."""
    presets = DEFAULT_PRESETS if preset is None else preset
    wanted = None if names is None else frozenset(names)
    collectors: dict[str, MetricWrapperBase] = {}
    for spec in for_component(component):
        if wanted is not None and spec.name not in wanted:
            continue
        collector = _build(spec, registry)
        for values in presets.get(spec.name, ()):
            collector.labels(*values)
        collectors[spec.name] = collector
    return ComponentMetrics(component, collectors)


def _build(spec: MetricSpec, registry: CollectorRegistry) -> MetricWrapperBase:
    if spec.type is MetricType.COUNTER:
        return Counter(spec.name, spec.help, spec.labels, registry=registry)
    if spec.type is MetricType.GAUGE:
        return Gauge(spec.name, spec.help, spec.labels, registry=registry)
    return Histogram(spec.name, spec.help, spec.labels, registry=registry, buckets=spec.buckets)
