"""The closing lines of ``scripts/verify-stack.sh``, read from ``verify_report.json``: the
diagnosis of every failing target first, then one verdict line ("33 panels: 33 ok").

Run as ``python -m kube_devops.verify.verdict reports/verify_report.json``; exits 0 when the
report is ok, 1 when it is not, 2 when the file is missing or unreadable.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from kube_devops.verify.model import Status


def _where(panel: dict[str, Any]) -> str:
    where = f"{panel['row']} / {panel['title']}"
    return f"{panel['dashboard']}: {where}" if panel.get("dashboard") else where


def failing(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Targets whose status is empty or error and whose reason is not ``filtered_out``."""
    bad = {Status.EMPTY.value, Status.ERROR.value}
    return [p for p in report["panels"] if p["status"] in bad and p.get("reason") != "filtered_out"]


def verdict_line(report: dict[str, Any]) -> str:
    """``33 panels: 33 ok`` or ``33 panels: 31 ok, 2 empty; failing: A / B, C / D``."""
    counts = Counter(p["status"] for p in report["panels"])
    shown = ", ".join(f"{counts[s.value]} {s.value}" for s in Status if counts[s.value])
    line = f"{len(report['panels'])} panels: {shown or 'none checked'}"
    if not report["ok"]:
        names = ", ".join(_where(p) for p in failing(report)) or "see the warnings (strict)"
        line += f"; failing: {names}"
    return line


def diagnosis(report: dict[str, Any]) -> list[str]:
    """Per failing target: where, status and reason, the query as run, the full detail."""
    lines: list[str] = []
    for panel in failing(report):
        lines.append(f"[{panel['status']}] {_where(panel)}: {panel['reason']}")
        lines.append(f"    query:  {panel['expr']}")
        lines.append(f"    detail: {panel['detail']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the diagnosis and the verdict line of the report named in ``argv``."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "reports/verify_report.json")
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        print(f"error: no readable verification report at {path}: {err}", file=sys.stderr)
        return 2
    for line in diagnosis(report):
        print(line)
    print(verdict_line(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
