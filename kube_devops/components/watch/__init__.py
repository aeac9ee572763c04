"""The watch controller (:8080): live governance scores of every pod, exported to Prometheus.

- ``state.ClusterState`` — O(1) per-event per-pod contributions and per-namespace tallies;
- ``exporter.GovernanceCollector`` — the leader-only score series, built at scrape time;
- ``exporter.WatchMetrics`` — the controller's own collectors (``pod_events_total``);
- ``controller.WatchControllerSettings`` and ``controller.run_watch(settings) -> int`` (assembled
  by ``runtime.run_component``).
"""
