"""``limit`` and ``continue`` on lists, as the API server pages them.

``page(entries, params, rv, selected)`` takes the selected entries of a list, keyed
``namespace/name``, and returns the page the query asks for, in key order (as etcd keeps
them), and the list metadata: ``resourceVersion`` (the first page's, carried by the token, as
the real server keeps it), and while entries remain, ``continue`` (an opaque token naming the
last key served) and ``remainingItemCount`` (left out when a selector was used, as the real
server does). A token that does not decode answers 400. Each page is read from the current
store, not from a snapshot at the first page's resourceVersion as etcd would serve it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import TypeVar

from kube_devops.core.bodies import JsonDict

from .table import error

T = TypeVar("T")


def _token(rv: str, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": int(rv), "start": start})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(token: str) -> tuple[str, str]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        return str(int(decoded["rv"])), str(decoded["start"])
    except (ValueError, KeyError, TypeError, binascii.Error) as err:
        raise error(400, "BadRequest", f"continue key is not valid: {token!r}") from err


def page(
    entries: list[tuple[str, T]], params: Mapping[str, str], rv: str, selected: bool
) -> tuple[list[T], JsonDict]:
    """The page the query asks for of ``entries`` (``("namespace/name", item)``, in any order),
    in key order as etcd keeps them, and the list metadata (see the module docstring)."""
    entries = sorted(entries, key=lambda entry: entry[0])
    meta: JsonDict = {"resourceVersion": rv}
    if params.get("continue"):
        meta["resourceVersion"], start = _decode(params["continue"])
        entries = [entry for entry in entries if entry[0] > start]
    limit = _limit(params.get("limit"))
    if limit is None or len(entries) <= limit:
        return [item for _, item in entries], meta
    shown = entries[:limit]
    meta["continue"] = _token(meta["resourceVersion"], shown[-1][0])
    if not selected:
        meta["remainingItemCount"] = len(entries) - limit
    return [item for _, item in shown], meta


def _limit(value: str | None) -> int | None:
    if not value:
        return None
    try:
        limit = int(value)
    except ValueError as err:
        raise error(400, "BadRequest", f"limit must be an integer, not {value!r}") from err
    return limit if limit > 0 else None
