"""Rendering an analysis as a table, JSON (the contract of ``report``) or YAML."""

from __future__ import annotations

import json

from kube_devops.core.analysis import Analysis, report
from kube_devops.core.checks import CheckId
from kube_devops.manifests.render import to_yaml

_SHORT = {
    CheckId.LATEST_TAG: "LATEST",
    CheckId.MISSING_LIVENESS: "LIVENESS",
    CheckId.MISSING_READINESS: "READINESS",
    CheckId.HIGH_RESTARTS: "RESTARTS",
    CheckId.PENDING: "PENDING",
}


def render(analysis: Analysis, output: str) -> str:
    """``table``, ``json`` or ``yaml`` text, ending with a newline."""
    data = report(analysis)
    if output == "json":
        return json.dumps(data, indent=2) + "\n"
    if output == "yaml":
        return to_yaml(data)
    return table(data)


def table(data: dict[str, object]) -> str:
    """Namespaces with scores and violations per check, the cluster line, then the findings."""
    header = ["NAMESPACE", "PODS", "SCORE", "CLASS", *_SHORT.values()]
    rows = [header]
    namespaces = data["namespaces"]
    assert isinstance(namespaces, list)
    for ns in namespaces:
        counts = [str(ns["violations"][c.value]) for c in CheckId]
        rows.append([ns["namespace"], str(ns["pods"]), str(ns["score"]), ns["class"], *counts])
    cluster = data["cluster"]
    assert isinstance(cluster, dict)
    totals = [str(sum(ns["violations"][c.value] for ns in namespaces)) for c in CheckId]
    rows.append(
        ["(cluster)", str(cluster["pods"]), str(cluster["score"]), cluster["class"], *totals]
    )
    text = _columns(rows)
    findings = data["findings"]
    assert isinstance(findings, list)
    if findings:
        frows = [["NAMESPACE", "POD", "CONTAINER", "SEVERITY", "CHECK", "MESSAGE"]]
        for f in findings:
            frows.append(
                [
                    f["namespace"],
                    f["pod"],
                    f["container"] or "-",
                    f["severity"],
                    f["check"],
                    f["message"],
                ]
            )
        text += "\n" + _columns(frows)
    return text


def _columns(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
