"""The verification report as pandas tables for the notebooks (rows from ``verify.report``)."""

from __future__ import annotations

import pandas as pd

from kube_devops.verify.report import PANEL_COLUMNS, Report


def panel_table(report: Report) -> pd.DataFrame:
    """One row per panel target: dashboard, row, title, status, reason, series, query ms,
    detail and the final query."""
    return pd.DataFrame(report.panel_rows(), columns=PANEL_COLUMNS)


def metric_table(report: Report) -> pd.DataFrame:
    """One row per catalog metric per component, from the live scrape."""
    return pd.DataFrame(report.metric_rows())


def variable_table(report: Report) -> pd.DataFrame:
    """One row per template variable of each dashboard: its query, what it returned, the value."""
    return pd.DataFrame(report.variable_rows())


def target_table(report: Report) -> pd.DataFrame:
    """One row per Prometheus target."""
    return pd.DataFrame(report.target_rows())
