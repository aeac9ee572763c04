"""Kubernetes adapter: the only code that imports the official kubernetes client."""
