"""Per-check records (units, severities) and the table object every scoring path reads.

``PerCheck`` has one field per built-in check, in table order, so code names a check's units
(``units.pending``) instead of indexing a position. ``CheckTable`` derives from a sequence of
``Check`` rows everything the scoring paths need: the units record type, its zero, the weights
and the rows after the built-in five (each with its own ``detect``). Evaluation, tallies and the
watch state take a table (default ``CHECK_TABLE``), so a new check is a new row.

Hot paths: a table interns its units records (``record``) and remembers each one's weighted sum
(``weighted``), so evaluation builds a plain tuple and looks it up, and pods with the same units
share one record (a tuple subclass stays tracked by the garbage collector; sharing keeps that
cheap). The memo holds at most ``MEMO_LIMIT`` records and starts over when full.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import mul
from typing import Any, Generic, NamedTuple, TypeVar, cast

from kube_devops.core.checks import CHECKS, Check, CheckId

T = TypeVar("T")
#: Distinct units records a table remembers before starting over.
MEMO_LIMIT = 65536


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
    """A new units record from values in table order."""
    zero: Units = field(init=False)
    """All-zero units (a compliant pod's, shared)."""
    records: dict[tuple[int, ...], Units] = field(init=False, repr=False, compare=False)
    """Memo: values -> the shared units record (see ``record``)."""
    raws: dict[tuple[int, ...], int] = field(init=False, repr=False, compare=False)
    """Memo: values -> weighted sum."""

    def __post_init__(self) -> None:
        ids = tuple(str(c.id) for c in self.checks)
        _check_rows(self.checks, ids)
        make = cast(Callable[[Iterable[int]], Units], partial(tuple.__new__, _record(ids)))
        setattr_ = object.__setattr__
        setattr_(self, "ids", ids)
        setattr_(self, "weights", tuple(c.weight for c in self.checks))
        setattr_(self, "extras", self.checks[len(CheckId) :])
        setattr_(self, "make", make)
        setattr_(self, "zero", make(0 for _ in ids))
        setattr_(self, "records", {})
        setattr_(self, "raws", {})

    def record(self, values: tuple[int, ...]) -> Units:
        """The shared units record of ``values`` (one per table order, len ``ids``)."""
        found = self.records.get(values)
        if found is None:
            if len(self.records) >= MEMO_LIMIT:
                self.records.clear()
                self.raws.clear()
            found = self.records[values] = self.make(values)
            self.raws[values] = sum(map(mul, values, self.weights))
        return found

    def weighted(self, units: tuple[int, ...]) -> int:
        """Raw score contribution of ``units`` (units x weight, summed)."""
        raw = self.raws.get(units)
        return sum(map(mul, units, self.weights)) if raw is None else raw

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
