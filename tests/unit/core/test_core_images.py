"""Image-reference parsing and the latest rule, driven by image_cases.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.core.images import ImageRef, is_latest_image, parse_image

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "image_cases.yaml").read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["ref"][:40] for c in CASES])
def test_parse_image(case: dict[str, Any]) -> None:
    expected = ImageRef(case["registry"], case["path"], case["name"], case["tag"], case["digest"])
    assert parse_image(case["ref"]) == expected
    assert parse_image(case["ref"]).is_latest is case["latest"]
    assert is_latest_image(case["ref"]) is case["latest"]


@pytest.mark.parametrize("image", [None, ""])
def test_missing_image_counts_as_latest(image: str | None) -> None:
    assert is_latest_image(image) is True


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("", "empty"),
        (" nginx", "padded"),
        ("Nginx:1.0", "'Nginx'"),
        ("app@sha256:xyz", "digest"),
        ("app:bad tag", "tag"),
        ("reg.io//app", "''"),
    ],
)
def test_bad_reference_is_named_in_the_error(ref: str, words: str) -> None:
    with pytest.raises(ValueError, match="image") as info:
        parse_image(ref)
    assert repr(ref) in str(info.value)
    assert words in str(info.value)


def test_unparseable_image_counts_as_latest() -> None:
    assert is_latest_image("Not A Ref") is True


def test_repository_joins_parts() -> None:
    assert parse_image("registry.local:5000/team/app:1.2").repository == (
        "registry.local:5000/team/app"
    )
