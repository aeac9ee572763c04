"""Runtime shared by the three components: HTTP app, metrics registry, signals, logging."""
