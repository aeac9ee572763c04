"""The JSON-ready facts of a planned dashboard for the report's ``dashboards[]`` list: title, uid,
file, the chosen variable values and the unchecked targets (the report adds ``ok``)."""

from __future__ import annotations

from typing import Any

from kube_devops.verify.plan import PlannedDashboard, UncheckedTarget, VariableChoice


def dashboard_entry(planned: PlannedDashboard) -> dict[str, Any]:
    """``{"title", "uid", "file", "variables": [...], "unchecked": [...]}`` for one dashboard."""
    return {
        "title": planned.title,
        "uid": planned.uid,
        "file": planned.file,
        "variables": [variable_entry(v) for v in planned.variables],
        "unchecked": [unchecked_entry(u) for u in planned.unchecked],
    }


def variable_entry(choice: VariableChoice) -> dict[str, Any]:
    """One variable: its (interpolated) query, outcome and the value(s) panels use."""
    return {
        "name": choice.name,
        "type": choice.type,
        "query": choice.query,
        "status": choice.status,
        "detail": choice.detail,
        "value": list(choice.chosen),
        "text": choice.text,
        "options": len(choice.values),
    }


def unchecked_entry(target: UncheckedTarget) -> dict[str, Any]:
    """One target that is not run, with its data source type and why."""
    return {
        "row": target.row,
        "title": target.title,
        "ref_id": target.ref_id,
        "datasource_type": target.datasource_type,
        "reason": target.reason,
    }
