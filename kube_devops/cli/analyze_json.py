"""Reading a JSON value piece by piece (``kubectl get -o json`` prints one List).

``json.loads`` builds the whole value: a 64 MB List took 550 MB. Here the text is walked with
``json.JSONDecoder.raw_decode``: the elements of a top-level array, and the items of a top-level
object's ``items`` array, are decoded and handed on one at a time, so only the text and one item
are held. The other fields of a List are dropped (they hold nothing to analyse); an object that
is not a List keeps them, and its items are handed on first. Syntax errors are the ones
``json.loads`` reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from kube_devops.cli.analyze_stream import Part, StreamError

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NAME = "Expecting property name enclosed in double quotes"


def json_parts(text: str) -> Iterator[Part]:
    """The value in ``text``: an array element by element, an object's ``items`` item by item.

    Raises :class:`StreamError` at the first syntax error.
    """
    cursor, index = _Cursor(text), 1
    try:
        first = cursor.skip()
        if first == "[":
            for value in _array(cursor):
                yield Part(index, None, value)
                index += 1
        elif first == "{":
            yield from (Part(1, item, value) for item, value in _object(cursor))
        else:
            yield Part(1, None, cursor.value())
        if cursor.skip():
            raise json.JSONDecodeError("Extra data", text, cursor.at)
    except json.JSONDecodeError as err:
        raise StreamError(index, err) from None


class _Cursor:
    """A position in a JSON text, moved over whitespace, punctuation and whole values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def skip(self) -> str:
        """Move over whitespace; the next character ('' at the end)."""
        found = _SPACE.match(self.text, self.at)
        self.at = found.end() if found else self.at
        return self.text[self.at : self.at + 1]

    def value(self) -> Any:
        """Decode the value that starts here and move past it."""
        self.skip()
        value, self.at = _DECODER.raw_decode(self.text, self.at)
        return value

    def expect(self, char: str) -> None:
        """Move over ``char``, or raise the error ``json.loads`` gives."""
        if self.skip() != char:
            raise json.JSONDecodeError(f"Expecting {char!r} delimiter", self.text, self.at)
        self.at += 1


def _array(cursor: _Cursor) -> Iterator[Any]:
    cursor.expect("[")
    if cursor.skip() == "]":
        cursor.at += 1
        return
    while True:
        yield cursor.value()
        if cursor.skip() == "]":
            cursor.at += 1
            return
        cursor.expect(",")


def _object(cursor: _Cursor) -> Iterator[tuple[int | None, Any]]:
    """Each item of the object's ``items`` array, then the object unless it is a List."""
    cursor.expect("{")
    rest: dict[str, Any] = {}
    items = 0
    while cursor.skip() != "}" or rest:
        if cursor.skip() != '"':
            raise json.JSONDecodeError(_NAME, cursor.text, cursor.at)
        key = cursor.value()
        cursor.expect(":")
        if key == "items" and cursor.skip() == "[":
            rest[key] = []
            for item in _array(cursor):
                yield items, item
                items += 1
        else:
            rest[key] = cursor.value()
        if cursor.skip() == "}":
            break
        cursor.expect(",")
    cursor.at += 1
    if not items or not str(rest.get("kind") or "").endswith("List"):
        yield None, rest
