"""A Prometheus API stand-in for variable queries: answers from a table and records each call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_devops.verify.client import QueryError


class TableSource:
    """Answers ``get(path, params)`` from ``{(path, match or query or ""): data}``."""

    def __init__(self, answers: Mapping[tuple[str, str], Any]) -> None:
        self.answers = dict(answers)
        self.calls: list[tuple[str, dict[str, str]]] = []

    def get(self, path: str, params: Mapping[str, str]) -> Any:
        self.calls.append((path, dict(params)))
        key = (path, params.get("match[]") or params.get("query") or "")
        if key not in self.answers:
            raise QueryError(f"bad_data: nothing for {key}")
        return self.answers[key]
