"""Expand repeated rows and panels once per value of their variable.

Follows dashboard-scene's repeat (``getMultiVariableValues``: All gives every option, otherwise
the chosen values): each copy sees the variable as that single value (a ``LocalValueVariable``
keeping the variable's multi / include-All flags, so ``$var`` in a Prometheus query is escaped for
a regex matcher). A repeated row copies every panel it holds. A repeat over an unknown variable,
or one with no values, leaves the panel once, as written.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kube_devops.verify.grafana.panels import Panel, Slot
from kube_devops.verify.grafana.values import Value
from kube_devops.verify.plan import Repeat


@dataclass(frozen=True, slots=True)
class Copy:
    """One panel as Grafana draws it: its row, the variables it sees, and its repeat value."""

    slot: Slot
    scoped: Mapping[str, Value] = field(default_factory=dict)
    repeat: Repeat | None = None
    row_scoped: Mapping[str, Value] = field(default_factory=dict)


Choice = tuple[dict[str, Value], Repeat | None]


def expand(slots: Iterable[Slot], values: Mapping[str, Value]) -> Iterator[Copy]:
    """Every panel copy, rows and panels in layout order, copies in value order."""
    for _, group in itertools.groupby(slots, key=lambda slot: id(slot.row)):
        members = list(group)
        row = members[0].row
        for row_scope, row_repeat in _choices(row, values):
            for slot in members:
                for scope, repeat in _choices(slot.panel, values):
                    yield Copy(slot, {**row_scope, **scope}, repeat or row_repeat, row_scope)


def _choices(panel: Panel | None, values: Mapping[str, Value]) -> list[Choice]:
    name = str((panel or {}).get("repeat") or "")
    variable = values.get(name)
    if variable is None or not variable.values():
        return [({}, None)]
    return [
        ({name: variable.scoped(value, text)}, Repeat(name, value))
        for value, text in variable.values()
    ]
