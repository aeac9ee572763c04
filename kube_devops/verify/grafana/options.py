"""A query variable's options from its query results: ``regex`` then de-duplication then ``sort``.

Follows ``@grafana/scenes`` ``variables/variants/query/utils.ts``: ``metricNamesToVariableValues``
(regex with ``stringToJsRegex``; named groups ``text`` / ``value``; several matches of a ``/g``
regex each an option; otherwise the first capture group; items without a match dropped;
``uniqBy(value)``) and ``sortVariableValues`` (modes 0-8).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

Option = tuple[str, str]
"""(text, value)"""

_JS_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
_DIGITS = re.compile(r".*?(\d+).*", re.S)
_CHUNKS = re.compile(r"(\d+)")


class VariableRegexError(ValueError):
    """A variable ``regex`` that is not a valid regular expression."""


def js_regex(text: str) -> tuple[re.Pattern[str], bool]:
    """``stringToJsRegex``: ``/body/flags`` as written, anything else anchored ``^...$``; returns
    the pattern and whether it is global (``g``)."""
    body, flags = f"^{text}$", ""
    if text.startswith("/"):
        literal = re.fullmatch(r"/(.*?)/([gimsuy]*)", text, re.S)
        if literal is None:
            raise VariableRegexError(
                f"regex {text!r} starts with '/' but does not end with '/' and flags; "
                "write /pattern/ or drop the leading '/'"
            )
        body, flags = literal.group(1), literal.group(2)
    body = re.sub(r"\(\?<(?![=!])", "(?P<", body)  # JS named groups
    try:
        pattern = re.compile(body, functools.reduce(lambda a, f: a | _JS_FLAGS.get(f, 0), flags, 0))
    except re.error as err:
        raise VariableRegexError(
            f"regex {text!r} is not a valid regular expression: {err}"
        ) from None
    return pattern, "g" in flags


def apply_regex(items: Sequence[Option], regex: str) -> list[Option]:
    """Options after the variable's regex (empty regex: unchanged)."""
    if not regex:
        return _unique(items)
    pattern, is_global = js_regex(regex)
    options: list[Option] = []
    for text, value in items:
        matches = list(pattern.finditer(value)) if is_global else _first(pattern, value)
        options.extend(_from_matches(matches, text, value))
    return _unique(options)


def _first(pattern: re.Pattern[str], value: str) -> list[re.Match[str]]:
    found = pattern.search(value)
    return [found] if found else []


def _from_matches(matches: list[re.Match[str]], text: str, value: str) -> list[Option]:
    if not matches:
        return []
    by_value = next((m for m in matches if m.re.groupindex.get("value") and m["value"]), None)
    by_text = next((m for m in matches if m.re.groupindex.get("text") and m["text"]), None)
    first = next((m for m in matches if m.re.groups >= 1), None)
    if by_value or by_text:
        new_value = by_value["value"] if by_value else by_text["text"] if by_text else value
        new_text = by_text["text"] if by_text else new_value
        return [(new_text, new_value)]
    if len(matches) > 1 and first:
        return [(m[1] or "", m[1] or "") for m in matches]
    if first:
        return [(first[1] or "", first[1] or "")]
    return [(text, value)]


def _unique(options: Sequence[Option]) -> list[Option]:
    seen: dict[str, Option] = {}
    for option in options:
        seen.setdefault(option[1], option)
    return list(seen.values())


def sort_options(options: list[Option], mode: int) -> list[Option]:
    """``sortVariableValues``: 1/2 alphabetical, 3/4 numerical (first number in the text),
    5/6 alphabetical case-insensitive, 7/8 natural; even modes descending; 0 as returned."""
    keyed = {
        1: lambda o: o[0], 3: _numeric, 5: lambda o: o[0].lower(), 7: _natural,
    }.get(mode - 1 + mode % 2)  # fmt: skip
    if keyed is None:
        return list(options)
    ordered = sorted(options, key=keyed)
    return ordered[::-1] if mode % 2 == 0 else ordered


def _numeric(option: Option) -> int:
    found = _DIGITS.match(option[0]) if option[0] else None
    return int(found.group(1)) if found else -1


def _natural(option: Option) -> tuple[tuple[int, int | str], ...]:
    """``Intl.Collator({numeric: true, sensitivity: 'accent'})``, approximately: digit runs
    compare as numbers, letters case-insensitively."""
    return tuple(
        (0, int(chunk)) if chunk.isdigit() else (1, chunk.casefold())
        for chunk in _CHUNKS.split(option[0])
        if chunk
    )
