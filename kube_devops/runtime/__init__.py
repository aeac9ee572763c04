"""Runtime shared by the three components: HTTP app, metrics registry, signals, logging.

- ``runtime.metrics``: ``build_metrics(component, registry) -> ComponentMetrics`` (catalog-driven).
- ``runtime.app``: ``create_app(registry, ready, routes=())`` — /healthz, /readyz, /metrics, 404.
- ``runtime.runner``: ``serve(app, ServeSettings(...), tasks)`` — signals and graceful shutdown.
- ``runtime.logging``: ``configure_logging(level)`` — JSON lines on stderr.
"""
