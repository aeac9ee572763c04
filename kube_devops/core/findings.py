"""What evaluating a pod gives: its findings and its result (units per check, in table order)."""

from __future__ import annotations

from dataclasses import dataclass

from kube_devops.core.check_table import CHECK_TABLE, CheckTable, Units
from kube_devops.core.checks import Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation found on a pod."""

    check: str
    """Which check (a ``CheckId`` for the built-in checks)."""
    container: str | None
    """Container name; None for pod-level findings (pending)."""
    severity: Severity
    """Severity under the policy used."""
    message: str
    """Human-readable message with the fix."""
    units: int = 1
    """Units this finding adds to its check."""


@dataclass(frozen=True, slots=True)
class PodResult:
    """The evaluation of one pod."""

    namespace: str
    """Pod namespace."""
    name: str
    """Pod name."""
    scored: bool
    """False for finished pods and pods in system namespaces (they count nowhere)."""
    units: Units
    """Units per check, in table order."""
    findings: tuple[Finding, ...]
    """Violations, in container order."""
    table: CheckTable = CHECK_TABLE
    """The checks the units follow."""

    @property
    def raw(self) -> int:
        """Weighted units: this pod's contribution to a raw score."""
        return self.table.weighted(self.units)

    @property
    def key(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace}/{self.name}"
