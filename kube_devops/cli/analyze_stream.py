"""YAML and JSON documents read from an open file one at a time, for ``analyze``.

YAML goes through libyaml's ``CSafeLoader`` when PyYAML has it (the pure-Python ``SafeLoader``
otherwise, about ten times slower) and ``yaml.load_all`` over the stream: each document is handed
on before the next one is parsed, so a large stream is never held as text or as a list. Input
whose first character is ``{`` or ``[`` is one JSON value; a JSON list is a list of documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import yaml

_BLANK = " \t\r\n\ufeff"
_CHUNK = 4096


def yaml_loader() -> Any:
    """libyaml's ``CSafeLoader`` when PyYAML was built with it, else ``SafeLoader``."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_stream(stream: IO[Any]) -> Iterator[Any]:
    """Documents of a YAML stream, one at a time, or of a JSON value (bytes or text).

    Raises ``yaml.YAMLError``, ``json.JSONDecodeError`` or ``UnicodeDecodeError`` where the
    input stops being readable; the documents before it have been yielded.
    """
    head = stream.read(_CHUNK)
    while head and not _text(head).lstrip(_BLANK) and (more := stream.read(_CHUNK)):
        head += more
    rest = _Rewound(head, stream)
    if _text(head).lstrip(_BLANK).startswith(("{", "[")):
        value = json.loads(rest.read())
        yield from value if isinstance(value, list) else [value]
    else:
        yield from yaml.load_all(rest, Loader=yaml_loader())


def problem(err: Exception) -> str:
    """What stopped the reading and the fix, for an error of :func:`parse_stream` or of I/O."""
    if isinstance(err, UnicodeDecodeError):
        return f"not UTF-8 text (byte {err.start}: {err.reason}); save the file as UTF-8"
    if isinstance(err, yaml.reader.ReaderError):
        return f"not UTF-8 text (byte {err.position}: {err.reason}); save the file as UTF-8"
    if isinstance(err, json.JSONDecodeError):
        return f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}; fix the syntax"
    if isinstance(err, OSError):
        return f"cannot read the file ({err.strerror or err}); pass an existing YAML/JSON file"
    mark = getattr(err, "problem_mark", None)
    what = getattr(err, "problem", None) or str(err).splitlines()[0]
    if mark is None:
        return f"malformed YAML: {what}; fix the syntax"
    return (
        f"malformed YAML at line {mark.line + 1}, column {mark.column + 1}: {what}; fix the syntax"
    )


class _Rewound:
    """``stream`` with what was already read from its start (``head``) given back first."""

    def __init__(self, head: Any, stream: IO[Any]) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> Any:
        """Up to ``size`` characters or bytes (all that is left when negative)."""
        if not self._head:
            return self._stream.read(size)
        if size < 0:
            data, self._head = self._head + self._stream.read(), self._head[:0]
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data


def _text(head: Any) -> str:
    return head.decode("utf-8", "replace") if isinstance(head, bytes) else str(head)
