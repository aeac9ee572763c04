"""Rendering an analysis as a table, JSON (the contract of ``report``) or YAML.

JSON and YAML add ``excluded_namespaces`` (namespace and reason) to ``report``; the table ends
with one line per excluded namespace.
"""

from __future__ import annotations

from collections.abc import Mapping

from kube_devops.cli.output import dump
from kube_devops.cli.output import table as columns
from kube_devops.core.analysis import Analysis, report
from kube_devops.core.checks import CheckId

#: Column heading of each check in tables.
CHECK_COLUMNS = {
    CheckId.LATEST_TAG: "LATEST",
    CheckId.MISSING_LIVENESS: "LIVENESS",
    CheckId.MISSING_READINESS: "READINESS",
    CheckId.HIGH_RESTARTS: "RESTARTS",
    CheckId.PENDING: "PENDING",
}


def render(analysis: Analysis, output: str, excluded: Mapping[str, str] | None = None) -> str:
    """``table``, ``json`` or ``yaml`` text, ending with a newline; ``excluded`` maps each
    namespace left out of scoring to the reason."""
    data = report(analysis)
    data["excluded_namespaces"] = [
        {"namespace": ns, "reason": why} for ns, why in (excluded or {}).items()
    ]
    if output in ("json", "yaml"):
        return dump(data, output)
    text = table(data)
    for ns, why in (excluded or {}).items():
        text += f"excluded: {ns}: {why}\n"
    return text


def table(data: dict[str, object]) -> str:
    """Namespaces with scores and violations per check, the cluster line, then the findings."""
    header = ["NAMESPACE", "PODS", "SCORE", "CLASS", *CHECK_COLUMNS.values()]
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
    text = columns(rows)
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
        text += "\n" + columns(frows)
    return text
