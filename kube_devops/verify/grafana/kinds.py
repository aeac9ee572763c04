"""Options of the variable types that need no query, and the interval variable's ``auto``.

Custom: comma-separated ``text : value`` (scenes ``CustomVariable``); constant: its query;
textbox: the saved value, else its query; datasource: the saved data source, else the plugin id in
its query; interval: comma-separated, with ``auto`` = ``rangeutil.calculateInterval(range,
auto_count, auto_min)`` when chosen (scenes ``IntervalVariable``).
"""

from __future__ import annotations

from collections.abc import Callable

from kube_devops.verify.grafana.intervals import format_interval, interval_ms, round_front
from kube_devops.verify.grafana.options import Option
from kube_devops.verify.grafana.selection import select
from kube_devops.verify.grafana.values import Value
from kube_devops.verify.grafana.variables import Variable, split_custom


def listed(variable: Variable) -> list[Option]:
    """The saved value(s) of a variable that is not resolved (ad hoc filters, ...)."""
    saved = variable.current_value
    return [(v, v) for v in (saved if isinstance(saved, tuple) else (saved,)) if v]


def _textbox(variable: Variable, query: str) -> list[Option]:
    saved = variable.current_value
    first = saved[0] if isinstance(saved, tuple) and saved else saved
    value = first if isinstance(first, str) and first else query
    return [(value, value)]


def _interval(variable: Variable, query: str) -> list[Option]:
    return [(v.strip(), v.strip()) for v in query.split(",") if v.strip()]


FIXED: dict[str, Callable[[Variable, str], list[Option]]] = {
    "custom": lambda variable, query: split_custom(query),
    "constant": lambda variable, query: [(query, query)],
    "textbox": _textbox,
    "interval": _interval,
    "datasource": _textbox,
}


def fixed_value(variable: Variable, options: list[Option], range_seconds: float) -> Value:
    """The variable's value: the ``auto`` interval when chosen, else the selection rules."""
    if variable.type == "interval" and variable.auto and _auto_chosen(variable):
        auto = _auto_interval(variable, range_seconds)
        return Value(variable.name, variable.type, auto, "auto", (auto,), ("auto",))
    return select(variable, options)


def _auto_chosen(variable: Variable) -> bool:
    value, text = variable.current_value, variable.current_text
    return (isinstance(value, str) and value.startswith("$__auto")) or text == "auto"


def _auto_interval(variable: Variable, range_seconds: float) -> str:
    """``calculateInterval(range, auto_count, auto_min)``, written as ``secondsToHms`` does."""
    range_ms = range_seconds * 1000
    step = round_front(range_ms / variable.auto_count)
    return format_interval(max(step, interval_ms(variable.auto_min)))
