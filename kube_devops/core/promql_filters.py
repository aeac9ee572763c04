"""Value filters of a PromQL query: the parts that drop series by value, so that a panel shows
"No data" by design while nothing passes them.

A filter is a comparison without ``bool`` (``rate(x[5m]) > 0``, ``up != 1``; ``0 < x`` filters
``x`` alike), a set operator that keeps only part of its left side (``a and b``,
``a unless b``), or ``absent()``/``absent_over_time()``, empty while what they watch exists.
For each filter, the query without it is the filtered side (or the watched series) alone, so the
verifier can ask Prometheus how many series the filter removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import promql_parser as pp

from kube_devops.core.promql_model import PromQLSyntaxError
from kube_devops.core.promql_parser import parse

_COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
_SET_FILTERS = frozenset({"and", "unless"})
#: What an ``absent`` function watches, as a query that has its series.
_ABSENT = {"absent": "{}", "absent_over_time": "last_over_time({})"}
_EMPTY_BRACES = re.compile(r"(?<=[A-Za-z0-9_:])\{\}")


@dataclass(frozen=True, slots=True)
class ValueFilter:
    """One filter of a query, and the query with that filter taken out."""

    text: str
    """The filter as PromQL prints it: ``> 0``, ``and on (job) up == 1``."""
    unfiltered: str
    """The whole query with the filter removed (its filtered side kept, in parentheses)."""


def value_filters(expr: str) -> tuple[ValueFilter, ...]:
    """Every value filter of ``expr``, outermost first; ``()`` when ``expr`` is not PromQL or
    has none."""
    try:
        tree, placeholders = parse(expr)
    except PromQLSyntaxError:
        return ()
    if placeholders:
        return ()
    whole = str(tree)
    found: list[ValueFilter] = []

    def visit(node: pp.Expr) -> None:
        if isinstance(node, pp.BinaryExpr) and _is_filter(node):
            kept, text = _split(node)
            found.append(ValueFilter(text, whole.replace(str(node), f"({kept})", 1)))
        elif isinstance(node, pp.Call) and node.func.name in _ABSENT and node.args:
            watched = _ABSENT[node.func.name].format(node.args[0])
            text = _EMPTY_BRACES.sub("", str(node))
            found.append(ValueFilter(text, whole.replace(str(node), f"({watched})", 1)))

    pp.walk(tree, pre_visit=visit)
    return tuple(found)


def without_filters(expr: str, limit: int = 8) -> str:
    """``expr`` with every value filter taken out, outermost first (at most ``limit``)."""
    for _ in range(limit):
        found = value_filters(expr)
        if not found:
            break
        expr = found[0].unfiltered
    return expr


def _is_filter(node: pp.BinaryExpr) -> bool:
    op = str(node.op)
    if op in _SET_FILTERS:
        return True
    if op not in _COMPARISONS:
        return False
    returns_bool = node.modifier is not None and node.modifier.return_bool
    return not returns_bool and not (_scalar(node.lhs) and _scalar(node.rhs))


def _split(node: pp.BinaryExpr) -> tuple[pp.Expr, str]:
    """The side the filter keeps, and the filter's own text."""
    op = str(node.op)
    modifier = f" {node.modifier}" if node.modifier is not None and str(node.modifier) else ""
    if op in _COMPARISONS and _scalar(node.lhs):
        return node.rhs, f"{node.lhs} {op}{modifier}"
    return node.lhs, _EMPTY_BRACES.sub("", f"{op}{modifier} {node.rhs}")


def _scalar(node: pp.Expr) -> bool:
    while isinstance(node, (pp.ParenExpr, pp.UnaryExpr)):
        node = node.expr
    if isinstance(node, pp.NumberLiteral):
        return True
    return isinstance(node, pp.Call) and node.func.name in {"scalar", "time", "pi"}
