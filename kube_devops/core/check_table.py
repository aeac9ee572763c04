"""Per-check records (units, severities) and the table object every scoring path reads.

``PerCheck`` has one field per built-in check, in table order, so code names a check's units
(``units.pending``) instead of indexing a position. ``CheckTable`` derives from a sequence of
``Check`` rows everything the scoring paths need: the units record type, its zero, the weights
and the rows after the built-in five (each with its own ``detect``). Evaluation, tallies and the
watch state take a table (default ``CHECK_TABLE``), so a new check is a new row.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import mul
from typing import Any, Generic, NamedTuple, TypeVar, cast

from kube_devops.core.checks import CHECKS, Check, CheckId

T = TypeVar("T")


class PerCheck(NamedTuple, Generic[T]):
    """One value per built-in check, in table order."""

    latest_tag: T
    """Unpinned images."""
    missing_liveness: T
    """Containers without a liveness probe."""
    missing_readiness: T
    """Containers without a readiness probe."""
    high_restarts: T
    """Restarts above the threshold."""
    pending: T
    """Pending longer than the limit."""


#: Violation units per check (a table with more rows gives a record with more fields).
Units = PerCheck[int]

if PerCheck._fields != tuple(CheckId):  # pragma: no cover - guards an edit of CheckId
    raise ImportError("PerCheck fields must be the CheckId values in order; add the field")


@dataclass(frozen=True)
class CheckTable:
    """Checks in table order: the built-in five first, then rows that bring ``detect``."""

    checks: tuple[Check, ...]
    """The rows."""
    ids: tuple[str, ...] = field(init=False)
    """Check ids in table order (the units record's field names)."""
    weights: tuple[int, ...] = field(init=False)
    """Weight per check in table order."""
    extras: tuple[Check, ...] = field(init=False)
    """Rows after the built-in five."""
    make: Callable[[Iterable[int]], Units] = field(init=False, repr=False)
    """Units record from values in table order."""
    zero: Units = field(init=False)
    """All-zero units (a compliant pod's, shared)."""

    def __post_init__(self) -> None:
        ids = tuple(str(c.id) for c in self.checks)
        _check_rows(self.checks, ids)
        make = cast(Callable[[Iterable[int]], Units], _record(ids)._make)
        setattr_ = object.__setattr__
        setattr_(self, "ids", ids)
        setattr_(self, "weights", tuple(c.weight for c in self.checks))
        setattr_(self, "extras", self.checks[len(CheckId) :])
        setattr_(self, "make", make)
        setattr_(self, "zero", make(0 for _ in ids))

    def weighted(self, units: Iterable[int]) -> int:
        """Raw score contribution of ``units`` (units x weight, summed)."""
        return sum(map(mul, units, self.weights))

    def by_id(self, units: Iterable[int]) -> dict[str, int]:
        """``units`` keyed by check id."""
        return dict(zip(self.ids, units, strict=True))


def _record(ids: tuple[str, ...]) -> Any:
    """``PerCheck`` for the built-in checks, else a named tuple with one field per row."""
    return PerCheck if ids == PerCheck._fields else namedtuple("Units", ids)


def _check_rows(checks: Sequence[Check], ids: tuple[str, ...]) -> None:
    if ids[: len(CheckId)] != tuple(CheckId):
        raise ValueError("a check table starts with the built-in checks in CheckId order")
    if len(set(ids)) != len(ids):
        raise ValueError(f"check ids must be unique, got {', '.join(ids)}")
    for check in checks[len(CheckId) :]:
        if check.detect is None:
            raise ValueError(f"check {check.id!r} needs a detect function")


#: The product's checks.
CHECK_TABLE = CheckTable(tuple(CHECKS.values()))
