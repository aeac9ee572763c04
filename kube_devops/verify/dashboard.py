"""The error of a dashboard input that cannot be used (loading itself is ``verify.grafana``)."""

from __future__ import annotations


class DashboardError(ValueError):
    """A dashboard file that cannot be read; the message names the file, the field and the fix."""
