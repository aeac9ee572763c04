"""RFC 3339 timestamps (``core.times``): the one formatter and parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kube_devops.core.times import parse_rfc3339, rfc3339

NOON = 1714564800  # 2024-05-01T12:00:00Z
PLUS_TWO = timezone(timedelta(hours=2))


def test_epoch_seconds_in_utc() -> None:
    assert rfc3339(NOON) == "2024-05-01T12:00:00Z"
    assert rfc3339(NOON + 0.5, digits=3) == "2024-05-01T12:00:00.500Z"


def test_a_datetime_is_converted_to_utc_and_truncated() -> None:
    moment = datetime(2024, 5, 1, 14, 0, 7, 123987, tzinfo=PLUS_TWO)
    assert rfc3339(moment) == "2024-05-01T12:00:07Z"
    assert rfc3339(moment, digits=3) == "2024-05-01T12:00:07.123Z"
    assert rfc3339(moment, digits=6) == "2024-05-01T12:00:07.123987Z"


def test_parse_reads_z_and_offsets() -> None:
    assert parse_rfc3339("2024-05-01T12:00:00Z") == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert parse_rfc3339("2024-05-01T14:00:00.250+02:00").timestamp() == NOON + 0.25


def test_parse_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_rfc3339("yesterday")
