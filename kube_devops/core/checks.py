"""The five governance checks as one table: id, weight, severity, message and admission visibility.

Everything that detects, scores, reports or denies reads this table; nothing else hard-codes a
weight or a check name. A new check is a new row with a ``detect`` function; ``core.check_table``
derives the units record, weights and memo that evaluation, tallies and the watch state use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import mul
from types import MappingProxyType
from typing import Any, NamedTuple


class CheckId(StrEnum):
    """Identifiers of the built-in checks, in table order."""

    LATEST_TAG = "latest_tag"
    MISSING_LIVENESS = "missing_liveness"
    MISSING_READINESS = "missing_readiness"
    HIGH_RESTARTS = "high_restarts"
    PENDING = "pending"


_RANKS = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class Severity(StrEnum):
    """Severity of a violation; ``rank`` orders them (low 1 .. critical 4)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """1 for low up to 4 for critical."""
        return _RANKS[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """The severity named ``text`` (case-insensitive); ValueError listing the allowed values."""
        try:
            return cls(text.strip().lower())
        except (ValueError, AttributeError):
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of: {allowed}") from None


class Hit(NamedTuple):
    """One violation a check's ``detect`` function found on a pod."""

    container: str | None
    """Container name; None for a pod-level violation."""
    units: int
    """Units it adds to the check."""
    detail: str
    """Fills ``{detail}`` in the check's message."""


#: ``detect(pod, now)``: the violations of one check on a pod (API-server JSON) at ``now``.
Detector = Callable[[Mapping[str, Any], float], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Check:
    """One governance check."""

    id: str
    """Stable identifier (also the metric/JSON key and the units field name)."""
    weight: int
    """Score weight per unit."""
    severity: Severity
    """Default severity, overridable per policy."""
    message: str
    """Message template; fields: ``container``, ``detail``."""
    admission_visible: bool
    """Whether admission can judge it from the pod spec alone (restarts and pending it cannot)."""
    override_key: str
    """Key of this check under ``spec.severityOverrides``."""
    detect: Detector | None = None
    """How to find it, for a check after the built-in five (the pod scan finds those)."""


CHECKS: Mapping[str, Check] = MappingProxyType(
    {
        CheckId.LATEST_TAG: Check(
            CheckId.LATEST_TAG, 5, Severity.HIGH,
            "container {container}: image {detail} is not pinned (no tag or tag 'latest'); "
            "pin a version tag or a digest",
            True, "latestTag",
        ),
        CheckId.MISSING_LIVENESS: Check(
            CheckId.MISSING_LIVENESS, 3, Severity.MEDIUM,
            "container {container}: no livenessProbe; add one",
            True, "missingLiveness",
        ),
        CheckId.MISSING_READINESS: Check(
            CheckId.MISSING_READINESS, 2, Severity.LOW,
            "container {container}: no readinessProbe; add one",
            True, "missingReadiness",
        ),
        CheckId.HIGH_RESTARTS: Check(
            CheckId.HIGH_RESTARTS, 6, Severity.CRITICAL,
            "container {container}: restarted {detail}",
            False, "highRestarts",
        ),
        CheckId.PENDING: Check(
            CheckId.PENDING, 4, Severity.MEDIUM,
            "pod Pending for {detail}",
            False, "pending",
        ),
    }
)  # fmt: skip

#: Built-in check ids in table order.
CHECK_ORDER: tuple[CheckId, ...] = tuple(CheckId)

#: Weights in table order.
WEIGHTS: tuple[int, ...] = tuple(CHECKS[c].weight for c in CHECK_ORDER)

#: ``severityOverrides`` key -> check.
OVERRIDE_KEYS: Mapping[str, CheckId] = MappingProxyType(
    {CHECKS[c].override_key: c for c in CHECK_ORDER}
)


def weighted(units: Iterable[int]) -> int:
    """Raw score contribution of units in table order (units x weight, summed)."""
    return sum(map(mul, units, WEIGHTS))
