"""The component kit shared by the three components: settings, assembly, HTTP, metrics, logging.

- ``runtime.settings``: the settings tree — ``ComponentSettings`` (``serve``, ``cluster``,
  ``lease``, ``registry``) with ``ServeSettings``/``TlsSettings``, ``ClusterSettings`` and
  ``LeaseSettings``; each component's settings derive from ``ComponentSettings``.
- ``runtime.component``: ``run_component(settings, assemble)`` — client lifecycle (drain, close),
  identity, registry and leader gating for every component; ``Kit`` in, ``Parts`` out.
- ``runtime.leadership``: ``Leadership`` — the leader gate as ``asyncio.Event``s.
- ``runtime.metrics``: ``build_metrics(component, registry) -> ComponentMetrics`` (catalog-driven;
  components wrap it in a typed dataclass of collectors).
- ``runtime.app``: ``create_app(registry, ready, routes=())`` — /healthz, /readyz, /metrics, 404.
- ``runtime.runner``: ``serve(app, settings, tasks)`` — signals and graceful shutdown.
- ``runtime.logging``: ``configure_logging(level)`` — JSON lines on stderr.
"""
