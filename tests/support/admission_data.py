"""Readers for the admission test data in ``tests/unit/admission/data``: AdmissionReview files,
policies and verdict cases, shared by the unit and the webhook component tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NotRequired, TypedDict

DATA = Path(__file__).parents[1] / "unit" / "admission" / "data"


def review_body(name: str) -> dict[str, Any]:
    """The stored AdmissionReview ``data/reviews/<name>.json``."""
    body: dict[str, Any] = json.loads((DATA / "reviews" / f"{name}.json").read_text())
    return body


def policy_objects() -> dict[str, dict[str, Any]]:
    """The DevOpsPolicy objects of ``data/policies.json`` by name."""
    objs = json.loads((DATA / "policies.json").read_text())
    return {obj["metadata"]["name"]: obj for obj in objs}


class Expected(TypedDict):
    """What a verdict case expects of the answer."""

    allowed: bool
    reason: str
    denied: list[list[str]]
    """``[container, check]`` of each denial."""
    warnings: int
    """How many warnings."""
    code: NotRequired[int]


class Case(TypedDict):
    """One verdict case of ``data/cases.json``."""

    id: str
    review: str
    """The AdmissionReview file name (without ``.json``)."""
    policies: list[str] | None
    """Names in ``data/policies.json``; null: the policy cache is not synced."""
    namespace: NotRequired[str]
    deny_severity: NotRequired[str]
    fail_closed: NotRequired[bool]
    expect: Expected


def cases() -> list[Case]:
    """The verdict cases of ``data/cases.json``."""
    loaded: list[Case] = json.loads((DATA / "cases.json").read_text())
    return loaded
