"""One line of ``kube-devops check``: a label, its ``State`` (OK, WARN or FAIL) and a detail."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """How one line of ``kube-devops check`` fared (printed and dumped as these words)."""

    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Outcome:
    """One line of the report."""

    label: str
    state: State
    detail: str = ""
