"""Prometheus series of the watch controller.

``GovernanceCollector`` renders the governance series from ``ClusterState`` at scrape time —
``cluster_health_score`` (pooled over all scored pods), ``namespace_health_score{namespace}``
(one series per namespace with scored pods, so an emptied namespace's series is gone) and
``pods_tracked_total`` — but only while ``is_leader()`` holds: followers export none of them, so
replicas never double the governance data. ``pod_events_total{event}`` is an ordinary counter of
the events each replica processed (``WatchMetrics.events``, built once from the catalog).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from kube_devops.components.watch.state import ClusterState
from kube_devops.core.catalog import Component, metric
from kube_devops.runtime.metrics import build_metrics

_CLUSTER = metric("cluster_health_score")
_NAMESPACE = metric("namespace_health_score")
_TRACKED = metric("pods_tracked_total")


class GovernanceCollector(Collector):
    """Leader-only score series computed from the live state."""

    def __init__(self, state: ClusterState, is_leader: Callable[[], bool]) -> None:
        self.state, self.is_leader = state, is_leader

    def collect(self) -> Iterator[Metric]:
        if not self.is_leader():
            return
        yield GaugeMetricFamily(_CLUSTER.name, _CLUSTER.help, value=self.state.cluster.score)
        family = GaugeMetricFamily(_NAMESPACE.name, _NAMESPACE.help, labels=_NAMESPACE.labels)
        for namespace, tally in sorted(self.state.namespaces.items()):
            family.add_metric([namespace], tally.score)
        yield family
        yield GaugeMetricFamily(_TRACKED.name, _TRACKED.help, value=len(self.state.pods))

    def describe(self) -> Iterator[Metric]:
        return iter(())


@dataclass(frozen=True)
class WatchMetrics:
    """The watch controller's own collectors (the governance series come from the state)."""

    events: Counter
    """``pod_events_total{event}``: pod events processed (ADDED/MODIFIED/DELETED preset to 0)."""

    @classmethod
    def build(cls, registry: CollectorRegistry) -> WatchMetrics:
        """Register ``pod_events_total`` on ``registry``."""
        found = build_metrics(Component.WATCH, registry, names=["pod_events_total"])
        return cls(events=found.counter("pod_events_total"))


def register_governance(
    registry: CollectorRegistry, state: ClusterState, is_leader: Callable[[], bool]
) -> None:
    """Register the leader-only ``GovernanceCollector`` on ``registry``."""
    registry.register(GovernanceCollector(state, is_leader))
