"""Typed field readers for Kubernetes-style dicts; errors name the object, field and fix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


class PolicyError(ValueError):
    """Invalid ``DevOpsPolicy`` content. ``where`` names the object, ``field`` the field path."""

    def __init__(self, where: str, field: str, problem: str, fix: str) -> None:
        super().__init__(f"{where}: {field}: {problem}; {fix}")
        self.where = where
        self.field = field
        self.problem = problem
        self.fix = fix


#: Kubernetes resource quantity (``100m``, ``128Mi``, ``1.5``), as a regular expression.
QUANTITY_PATTERN = r"^(?:\d+(?:\.\d+)?|\.\d+)(?:[mkMGTPE]|[KMGTPE]i)?$"
_QUANTITY = re.compile(QUANTITY_PATTERN)


class Fields:
    """Reads fields of one mapping at ``path`` inside object ``where``."""

    def __init__(self, data: object, *, where: str, path: str) -> None:
        if not isinstance(data, Mapping):
            raise PolicyError(
                where, path, f"expected a mapping, got {_kind(data)}", "write key: value pairs"
            )
        self.data: Mapping[str, Any] = data
        self.where = where
        self.path = path

    def reject_unknown(self, known: tuple[str, ...]) -> None:
        """Raise on keys outside ``known`` (typos would otherwise silently disable a check)."""
        for key in self.data:
            if key not in known:
                raise PolicyError(
                    self.where,
                    self.at(str(key)),
                    "unknown field",
                    f"use one of: {', '.join(known)}",
                )

    def at(self, key: str) -> str:
        """Field path of ``key``."""
        return f"{self.path}.{key}"

    def boolean(self, key: str) -> bool:
        """A bool; absent or null is False."""
        value = self.data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise PolicyError(
                self.where, self.at(key), f"{value!r} is not a boolean", "use true or false"
            )
        return value

    def integer(self, key: str, *, minimum: int, maximum: int | None = None) -> int | None:
        """An int in [minimum, maximum]; absent or null is None."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise PolicyError(
                self.where,
                self.at(key),
                f"{value!r} is not an integer",
                f"use a whole number >= {minimum}",
            )
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            raise PolicyError(
                self.where, self.at(key), f"{value} is out of range", f"use a whole number {bound}"
            )
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        """A string among ``allowed``; absent or null is None."""
        value = self.data.get(key)
        if value is None:
            return None
        if value not in allowed:
            raise PolicyError(
                self.where,
                self.at(key),
                f"{value!r} is not allowed",
                f"use one of: {', '.join(allowed)}",
            )
        return str(value)

    def quantity(self, key: str) -> str | None:
        """A Kubernetes resource quantity such as ``100m`` or ``128Mi``; absent or null is None."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not _QUANTITY.fullmatch(value):
            raise PolicyError(
                self.where,
                self.at(key),
                f"{value!r} is not a resource quantity",
                "write e.g. '100m' or '128Mi' as a string",
            )
        return value

    def mapping(self, key: str) -> Fields | None:
        """A nested mapping; absent or null is None."""
        value = self.data.get(key)
        if value is None:
            return None
        return Fields(value, where=self.where, path=self.at(key))


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
