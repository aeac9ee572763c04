"""What a user reads of an admission answer: the denial message and the warnings, both bounded.

A pod with thousands of containers has thousands of findings; the answer stays small:

- :func:`denial_message` lists the first :data:`MAX_LISTED` denied violations, each cut at
  :data:`MAX_ENTRY` characters, then sums up the rest per check (``... and 9980 more:
  9980 latest_tag``). The message is at most :data:`MAX_MESSAGE` characters.
- :func:`capped_warnings` keeps the first ``MAX_WARNINGS - 1`` warnings, each cut at
  :data:`MAX_ENTRY` characters, and a last one saying how many were left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kube_devops.core.checks import CheckId, Severity

#: Violations listed one by one in a denial message; the rest are counted per check.
MAX_LISTED = 20
#: Characters kept of one listed violation or one warning.
MAX_ENTRY = 300
#: At most this many warnings; the last one says how many were left out.
MAX_WARNINGS = 20
#: Longest denial message: the head, the listed entries and the sum-up of the rest.
MAX_MESSAGE = 64 + MAX_LISTED * (MAX_ENTRY + 1) + 64 + len(CheckId) * 32


@dataclass(frozen=True, slots=True)
class Violation:
    """One finding that denied the request."""

    policy: str
    """``namespace/name`` of the policy that denied."""
    container: str
    check: CheckId
    severity: Severity
    message: str


def cut(text: str, limit: int = MAX_ENTRY) -> str:
    """``text``, or its first ``limit - 3`` characters and ``...``."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def denial_message(denials: Sequence[Violation]) -> str:
    """``status.message`` of a denial: container, check and fix of each, bounded."""
    parts = [
        cut(
            f"({i}) container {v.container}, check {v.check.value} [{v.severity.value},"
            f" policy {v.policy}]: {v.message}"
        )
        for i, v in enumerate(denials[:MAX_LISTED], 1)
    ]
    head = f"denied by DevOpsPolicy, {len(denials)} violation(s): "
    rest = denials[MAX_LISTED:]
    if rest:
        counts = Counter(v.check.value for v in rest)
        per_check = ", ".join(f"{n} {check}" for check, n in sorted(counts.items()))
        parts.append(f"... and {len(rest)} more: {per_check}")
    return head + " ".join(parts)


def capped_warnings(warnings: Sequence[str]) -> tuple[str, ...]:
    """At most :data:`MAX_WARNINGS` warnings, each at most :data:`MAX_ENTRY` characters."""
    if len(warnings) <= MAX_WARNINGS:
        return tuple(cut(w) for w in warnings)
    left = len(warnings) - (MAX_WARNINGS - 1)
    kept = [cut(w) for w in warnings[: MAX_WARNINGS - 1]]
    return (*kept, f"... and {left} more DevOpsPolicy warnings")
