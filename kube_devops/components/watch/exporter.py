"""Prometheus series of the watch controller.

``GovernanceCollector`` renders the governance series from ``ClusterState`` at scrape time —
``cluster_health_score`` (pooled over all scored pods), ``namespace_health_score{namespace}``
(one series per namespace with scored pods, so an emptied namespace's series is gone) and
``pods_tracked_total`` — but only while ``exports()`` holds (the replica leads, or led last and
has seen no other leader since): followers export none of them, so replicas never double the
governance data, and a lone replica that lost its Lease in an API outage keeps its last scores.
``pods_last_sync_timestamp_seconds`` (every replica) says how old those scores are: the time
the watch was last in sync with the API server (now while it is; ``time() - x`` is their age),
and ``pods_skipped{reason}`` how many pods it cannot score right now. ``pod_events_total{event}``
is an ordinary counter (``WatchMetrics``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from kube_devops.components.watch.state import ClusterState
from kube_devops.core.catalog import Component, metric
from kube_devops.core.pod_shape import MALFORMED
from kube_devops.runtime.metrics import build_metrics

_CLUSTER = metric("cluster_health_score")
_NAMESPACE = metric("namespace_health_score")
_TRACKED = metric("pods_tracked_total")
_SYNCED = metric("pods_last_sync_timestamp_seconds")
_SKIPPED = metric("pods_skipped")


class GovernanceCollector(Collector):
    """Score series computed from the live state, and the age of that state."""

    def __init__(
        self, state: ClusterState, exports: Callable[[], bool], last_sync: Callable[[], float]
    ) -> None:
        self.state, self.exports, self.last_sync = state, exports, last_sync

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(_SYNCED.name, _SYNCED.help, value=self.last_sync())
        skipped = GaugeMetricFamily(_SKIPPED.name, _SKIPPED.help, labels=_SKIPPED.labels)
        skipped.add_metric([MALFORMED], len(self.state.skipped))
        yield skipped
        if not self.exports():
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
    registry: CollectorRegistry,
    state: ClusterState,
    exports: Callable[[], bool],
    last_sync: Callable[[], float],
) -> None:
    """Register the ``GovernanceCollector`` on ``registry``."""
    registry.register(GovernanceCollector(state, exports, last_sync))
