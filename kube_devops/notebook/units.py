"""Grafana unit ids (a panel's ``fieldConfig.defaults.unit``) in words, for axis labels and
reports: ``cpm`` is "counts per minute", ``percentunit`` "percent (0-1)"."""

from __future__ import annotations

UNIT_WORDS: dict[str, str] = {
    "short": "count",
    "none": "value",
    "percent": "percent (0-100)",
    "percentunit": "percent (0-1)",
    "cps": "counts per second",
    "cpm": "counts per minute",
    "reqps": "requests per second",
    "reqpm": "requests per minute",
    "ops": "operations per second",
    "opm": "operations per minute",
    "rps": "reads per second",
    "wps": "writes per second",
    "ns": "nanoseconds",
    "µs": "microseconds",
    "us": "microseconds",
    "ms": "milliseconds",
    "s": "seconds",
    "m": "minutes",
    "h": "hours",
    "d": "days",
    "dtdurations": "duration (seconds)",
    "dtdurationms": "duration (milliseconds)",
    "bytes": "bytes",
    "decbytes": "bytes (SI)",
    "bits": "bits",
    "kbytes": "kibibytes",
    "mbytes": "mebibytes",
    "gbytes": "gibibytes",
    "Bps": "bytes per second",
    "bps": "bits per second",
    "pps": "packets per second",
    "hertz": "hertz",
    "bool": "true / false",
    "bool_yes_no": "yes / no",
    "bool_on_off": "on / off",
    "dateTimeAsIso": "date and time",
    "dateTimeFromNow": "time ago",
}


def unit_words(unit: str) -> str:
    """``unit`` in words; an id not in the table is returned as it is, an empty one as
    "value" (Grafana's default)."""
    if not unit:
        return "value"
    return UNIT_WORDS.get(unit, unit)
