"""Scores and classes: one aggregation everywhere.

raw = sum(units x weight); score = 100 - min(raw // pods, 100); no pods scores 100. Namespace
scores are computed per namespace; the cluster score is pooled over all scored pods (never a mean
of namespace scores). ``violations`` are units per check, so raw = sum(violations x weight).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from kube_devops.core.check_table import CHECK_TABLE, CheckTable
from kube_devops.core.findings import PodResult

#: Score at or above which a namespace or policy counts as healthy.
HEALTHY_SCORE = 80


def score(raw: int, pods: int) -> int:
    """100 - min(floor(raw / pods), 100); 100 when there are no pods."""
    if pods <= 0:
        return 100
    return 100 - min(raw // pods, 100)


class Classification(StrEnum):
    """Score classes."""

    HEALTHY = "Healthy"
    STABLE = "Stable"
    DEGRADED = "Degraded"
    CRITICAL = "Critical"


def classify(value: int) -> Classification:
    """Healthy >= 80, Stable >= 60, Degraded >= 40, else Critical."""
    if value >= HEALTHY_SCORE:
        return Classification.HEALTHY
    if value >= 60:
        return Classification.STABLE
    if value >= 40:
        return Classification.DEGRADED
    return Classification.CRITICAL


@dataclass(slots=True)
class Tally:
    """Running totals over scored pods; O(1) ``add``/``remove``; unscored results are ignored."""

    table: CheckTable = field(default=CHECK_TABLE, repr=False)
    """The checks the units follow."""
    pods: int = 0
    """Number of scored pods."""
    raw: int = 0
    """Sum of weighted units."""
    units: list[int] = field(init=False)
    """Units per check, in table order."""

    def __post_init__(self) -> None:
        self.units = list(self.table.zero)

    def add(self, result: PodResult) -> None:
        """Count ``result`` in."""
        if result.scored:
            self._apply(result, 1)

    def remove(self, result: PodResult) -> None:
        """Take a previously added ``result`` out again."""
        if result.scored:
            self._apply(result, -1)

    def _apply(self, result: PodResult, sign: int) -> None:
        self.pods += sign
        units, table = result.units, self.table
        if units is not table.zero:
            raw = table.raws.get(units)
            self.raw += sign * (table.weighted(units) if raw is None else raw)
            mine = self.units
            for i, n in enumerate(units):
                mine[i] += sign * n

    @property
    def score(self) -> int:
        """Score of the pods counted."""
        return score(self.raw, self.pods)

    @property
    def classification(self) -> Classification:
        """Class of ``score``."""
        return classify(self.score)

    @property
    def violations(self) -> dict[str, int]:
        """Units per check, keyed by check id (``latest_tag`` ...)."""
        return self.table.by_id(self.units)

    @property
    def total_violations(self) -> int:
        """Sum of units over all checks."""
        return sum(self.units)


@dataclass(slots=True)
class Summary:
    """Cluster tally (pooled) and one tally per namespace that has scored pods."""

    cluster: Tally
    """Pooled over every scored pod."""
    namespaces: dict[str, Tally]
    """Per namespace, sorted by name."""


def summarize(results: Iterable[PodResult], table: CheckTable = CHECK_TABLE) -> Summary:
    """Pool ``results`` into a cluster tally and per-namespace tallies (scored pods only)."""
    cluster = Tally(table)
    per_ns: dict[str, Tally] = {}
    total = cluster.units
    zero, raws, weighted = table.zero, table.raws, table.weighted
    for result in results:
        if not result.scored:
            continue
        tally = per_ns.get(result.namespace)
        if tally is None:
            tally = per_ns[result.namespace] = Tally(table)
        cluster.pods += 1
        tally.pods += 1
        units = result.units
        if units is not zero:
            raw = raws.get(units)
            if raw is None:
                raw = weighted(units)
            cluster.raw += raw
            tally.raw += raw
            mine = tally.units
            for i, n in enumerate(units):
                total[i] += n
                mine[i] += n
    return Summary(cluster, dict(sorted(per_ns.items())))
