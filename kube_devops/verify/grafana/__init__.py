"""Grafana dashboards turned into the exact queries Grafana runs.

Public interface: :func:`load_dashboards` finds every dashboard in the given paths,
:func:`plan_dashboard` resolves one dashboard's variables, repeats, data sources and per-target
intervals into a :class:`~kube_devops.verify.plan.PlannedDashboard`, with :class:`PlanOptions`
giving the time range and the data source settings.
"""

from kube_devops.verify.grafana.entries import dashboard_entry
from kube_devops.verify.grafana.metricfind import VariableSource
from kube_devops.verify.grafana.options_model import PANEL_WIDTH, PlanOptions
from kube_devops.verify.grafana.panel_time import saved_range_seconds
from kube_devops.verify.grafana.planner import plan_dashboard
from kube_devops.verify.grafana.sources import DashboardSource, load_dashboards

__all__ = [
    "PANEL_WIDTH",
    "DashboardSource",
    "PlanOptions",
    "VariableSource",
    "dashboard_entry",
    "load_dashboards",
    "plan_dashboard",
    "saved_range_seconds",
]
