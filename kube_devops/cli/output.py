"""Structured output for every verb: ``-o table|json|yaml`` and tables that fit the terminal.

A table is rows of cells separated by two spaces, like ``kubectl get``. When the terminal is
narrower than the table, the last column (messages, descriptions) wraps onto continuation lines
indented to its start, so nothing is cut. Output that is not a terminal (a pipe, a file) is
never wrapped, unless ``COLUMNS`` asks for a width.
"""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap
from collections.abc import Sequence

FORMATS = ("table", "json", "yaml")
_GAP = "  "
_MIN_LAST = 20


def add_output_flag(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    """``-o/--output`` with the given formats; the first is the default."""
    parser.add_argument(
        "-o",
        "--output",
        choices=tuple(formats),
        default=formats[0],
        help=f"output format: {', '.join(formats)} (default: %(default)s)",
    )


def dump(data: object, output: str) -> str:
    """``data`` as JSON (indented) or YAML (block style, keys in order), ending with a newline."""
    if output == "json":
        return json.dumps(data, indent=2) + "\n"
    from kube_devops.manifests.render import to_yaml

    return to_yaml(data)


def add_manifest_output_flag(parser: argparse.ArgumentParser) -> None:
    """``-o yaml`` (multi-document, the default) or ``-o json`` (one ``v1`` ``List``)."""
    add_output_flag(parser, ("yaml", "json"))


def manifests(documents: Sequence[object], output: str) -> str:
    """Manifests for ``kubectl apply -f -``: ``---``-separated YAML, or a JSON ``List``."""
    if output == "json":
        return dump({"apiVersion": "v1", "kind": "List", "items": list(documents)}, "json")
    from kube_devops.manifests.render import to_multi_yaml

    return to_multi_yaml(documents)


def terminal_width() -> int | None:
    """Columns of the terminal on stdout, ``COLUMNS`` when set, else ``None`` (no limit)."""
    columns = shutil.get_terminal_size(fallback=(0, 0)).columns
    return columns if columns > 0 else None


def table(rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """Aligned columns; the last one wraps within ``width`` (default: the terminal's)."""
    if not rows:
        return ""
    limit = terminal_width() if width is None else width
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    indent = sum(widths) + len(_GAP) * len(widths)
    room = None if limit is None else max(_MIN_LAST, limit - indent)
    lines: list[str] = []
    for row in rows:
        head = _GAP.join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
        head = head + _GAP if widths else head
        last = _wrap(row[-1], room)
        lines.append((head + last[0]).rstrip())
        lines.extend(" " * indent + part for part in last[1:])
    return "\n".join(lines) + "\n"


def _wrap(text: str, room: int | None) -> list[str]:
    if room is None or len(text) <= room:
        return [text]
    return textwrap.wrap(text, room, break_on_hyphens=False) or [text]
