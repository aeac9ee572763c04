"""Shared readers for the admission test data (AdmissionReview files, policies, cases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def review_body(name: str) -> dict[str, Any]:
    """The AdmissionReview stored as ``data/reviews/<name>.json``."""
    body: dict[str, Any] = json.loads((DATA / "reviews" / f"{name}.json").read_text())
    return body


def policy_objects() -> dict[str, dict[str, Any]]:
    """The DevOpsPolicy objects of ``data/policies.json`` by name."""
    objs = json.loads((DATA / "policies.json").read_text())
    return {obj["metadata"]["name"]: obj for obj in objs}


def cases() -> list[dict[str, Any]]:
    """The verdict cases of ``data/cases.json``."""
    loaded: list[dict[str, Any]] = json.loads((DATA / "cases.json").read_text())
    return loaded
