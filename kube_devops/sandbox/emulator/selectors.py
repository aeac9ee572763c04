"""Label and field selectors of list and watch requests (``?labelSelector=``, ``?fieldSelector=``).

``matcher(params)`` parses both from a request's query into one predicate over objects (400 Bad
Request for a selector that does not parse). Label selectors take ``k=v``, ``k==v``, ``k!=v``,
``k in (a,b)``, ``k notin (a,b)``, ``k`` and ``!k``; field selectors take ``path=v``, ``path==v``
and ``path!=v`` over any dotted field (``metadata.name``, ``status.phase``, ``spec.nodeName``);
a real server only accepts a few fields per kind, the emulator accepts them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta

from .table import error

Predicate = Callable[[JsonDict], bool]
_SET = re.compile(r"^([^\s!=,()]+)\s+(in|notin)\s+\(([^)]*)\)$")
_EQUALITY = re.compile(r"^([^\s!=,()]+)\s*(==|=|!=)\s*([^\s!=,()]*)$")
_EXISTS = re.compile(r"^(!?)([^\s!=,()]+)$")


def _split(selector: str) -> list[str]:
    """The requirements of a selector: commas outside parentheses separate them."""
    parts, depth, current = [], 0, ""
    for char in selector:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [part for part in [*parts, current.strip()] if part]


def _label_requirement(text: str) -> Callable[[Mapping[str, str]], bool]:
    if found := _SET.match(text):
        key, op, values = found[1], found[2], {v.strip() for v in found[3].split(",")}
        if op == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if found := _EQUALITY.match(text):
        key, op, value = found[1], found[2], found[3]
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if found := _EXISTS.match(text):
        negated, key = found[1] == "!", found[2]
        return lambda labels: (key in labels) != negated
    raise error(400, "BadRequest", f"unable to parse requirement: {text!r}")


def _field(obj: JsonDict, path: str) -> str:
    value: Any = obj
    for step in path.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def _field_requirement(text: str) -> Predicate:
    found = _EQUALITY.match(text)
    if found is None:
        raise error(400, "BadRequest", f"invalid field selector: {text!r}")
    path, op, value = found[1], found[2], found[3]
    if op == "!=":
        return lambda obj: _field(obj, path) != value
    return lambda obj: _field(obj, path) == value


def matcher(params: Mapping[str, str]) -> Predicate | None:
    """The predicate of the request's selectors, or ``None`` when it has none."""
    labels = [_label_requirement(r) for r in _split(params.get("labelSelector", ""))]
    fields = [_field_requirement(r) for r in _split(params.get("fieldSelector", ""))]
    if not labels and not fields:
        return None

    def matches(obj: JsonDict) -> bool:
        own = Meta.of(obj).labels
        return all(r(own) for r in labels) and all(r(obj) for r in fields)

    return matches
