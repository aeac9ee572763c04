"""Manifest builders: pure functions returning Kubernetes objects as dicts."""
