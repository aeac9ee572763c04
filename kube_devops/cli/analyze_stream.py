"""YAML and JSON documents read from an open file one at a time, for ``analyze``.

YAML goes through libyaml's ``CSafeLoader`` when PyYAML has it (the pure-Python ``SafeLoader``
otherwise, about seven times slower) and ``yaml.load_all`` over the stream: each document is
handed on before the next one is parsed, so a large stream is never held as text or as a list.
A stream that opens with a List (``items:`` at the top, as ``kubectl get -o yaml`` prints it) is
read item by item instead: PyYAML's composer over libyaml's events, each item built and handed on
alone. Input whose first character is ``{`` or ``[`` is one JSON value, read element by element
or item by item (``analyze_json``); a JSON array is a list of documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

import yaml

_BLANK = " \t\r\n\ufeff"
_CHUNK = 4096
_LIST_HEAD = re.compile(r"^items:[ \t]*(#.*)?$", re.MULTILINE)


class Part(NamedTuple):
    """One document of a stream, or one item of a List document read item by item."""

    number: int
    """The document's position in the stream, from 1."""
    item: int | None
    """The item's position in the List's ``items``, from 0; None for a whole document."""
    document: Any


class StreamError(Exception):
    """Reading stopped in document ``index`` (from 1); the message says why and the fix."""

    def __init__(self, index: int, err: Exception) -> None:
        super().__init__(problem(err))
        self.index = index


def yaml_loader() -> Any:
    """libyaml's ``CSafeLoader`` when PyYAML was built with it, else ``SafeLoader``."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_stream(stream: IO[Any]) -> Iterator[Part]:
    """The documents of a YAML stream (bytes or text) or of a JSON value, one at a time.

    Raises :class:`StreamError` where the input stops being readable; what came before it has
    been yielded.
    """
    head = stream.read(_CHUNK)
    while head and not _text(head).lstrip(_BLANK) and (more := stream.read(_CHUNK)):
        head += more
    rest, text = _Rewound(head, stream), _text(head)
    if text.lstrip(_BLANK).startswith(("{", "[")):
        yield from _json_parts(rest)
    elif _LIST_HEAD.search(text):
        from kube_devops.cli.analyze_items import item_parts

        yield from item_parts(rest)
    else:
        yield from _yaml_parts(rest)


def _json_parts(stream: _Rewound) -> Iterator[Part]:
    from kube_devops.cli.analyze_json import json_parts

    data = stream.read()
    if isinstance(data, str):
        yield from json_parts(data.removeprefix("\ufeff"))
        return
    try:
        text = data.decode(json.detect_encoding(data), "surrogatepass")
    except UnicodeDecodeError as err:
        raise StreamError(1, err) from None
    del data  # the text is held while its items are handed on, not the bytes too
    yield from json_parts(text)


def _yaml_parts(stream: _Rewound) -> Iterator[Part]:
    index = 1
    try:
        for document in yaml.load_all(stream, Loader=yaml_loader()):
            yield Part(index, None, document)
            index += 1
    except yaml.YAMLError as err:
        raise StreamError(index, err) from None


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
