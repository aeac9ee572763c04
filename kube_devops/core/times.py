"""RFC 3339 timestamps as Kubernetes writes them, once.

- ``rfc3339(moment, digits=0)`` — ``2024-05-01T12:00:00Z`` for epoch seconds or a datetime, in
  UTC; ``digits=3`` adds milliseconds, ``digits=6`` microseconds (``metav1.MicroTime``);
- ``parse_rfc3339(text)`` — an aware datetime (``ValueError`` when ``text`` is not one).
"""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(moment: float | datetime, digits: int = 0) -> str:
    """``moment`` (epoch seconds, or a datetime; naive means local time) in UTC, with ``digits``
    (0, 3 or 6) of the fraction of a second, truncated."""
    if isinstance(moment, datetime):
        when = moment.astimezone(UTC)
    else:
        when = datetime.fromtimestamp(moment, tz=UTC)
    fraction = f".{when.microsecond:06d}"[: digits + 1] if digits else ""
    return when.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 timestamp (``Z`` or an offset) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
