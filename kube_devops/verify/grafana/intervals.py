"""Per-target step, ``$__interval``, ``$__rate_interval`` and ``$__range`` as Grafana computes them.

Two stages, as in Grafana 10+ where Prometheus queries run through the back end:

1. Front end (``@grafana/scenes`` ``SceneQueryRunner`` with ``rangeutil.calculateInterval``): the
   panel's interval is ``roundInterval(range / maxDataPoints)``, never below the panel's
   ``interval`` (Min interval) or, without it, the data source's scrape interval.
2. Back end (``pkg/promlib/models/query.go`` ``calculatePrometheusInterval`` and
   ``interpolateVariables``, ``pkg/promlib/intervalv2``): the minimum is the target's ``interval``
   (Min step) or the front end's interval; the step is ``range / maxDataPoints`` rounded
   (``gtime.RoundInterval``) unless below that minimum, at least the 11000-points safe interval,
   times ``intervalFactor``. ``$__rate_interval`` = max(front-end interval + scrape, 4 x scrape)
   where scrape is the target's Min step when set, else the data source's scrape interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kube_devops.core.promql import parse_duration

SAFE_RESOLUTION = 11000
_FRONT = (  # rangeutil.ts roundInterval: (below this many ms, use this many ms)
    (10, 1), (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000),
    (3500, 2000), (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000), (45000, 30000),
    (90000, 60000), (210000, 120000), (450000, 300000), (750000, 600000), (1050000, 900000),
    (1500000, 1200000), (2700000, 1800000), (5400000, 3600000), (9000000, 7200000),
    (16200000, 10800000), (32400000, 21600000), (86400000, 43200000), (604800000, 86400000),
    (1814400000, 604800000), (3628800000, 2592000000),
)  # fmt: skip
_YEAR_MS = 31536000000
_RATE_NAMES = frozenset({"$__rate_interval", "${__rate_interval}"})
_INTERVAL_NAMES = frozenset({"$__interval", "${__interval}"})
_VARIABLE_INTERVALS = _RATE_NAMES | _INTERVAL_NAMES | {
    "$__interval_ms", "${__interval_ms}", "$__rate_interval_ms", "${__rate_interval_ms}",
}  # fmt: skip


def round_front(ms: float) -> int:
    """``rangeutil.roundInterval`` (front end): a rounder interval, thresholds exclusive."""
    return next((to for below, to in _FRONT if ms < below), _YEAR_MS)


def round_back(ms: float) -> int:
    """``gtime.RoundInterval`` (back end): the same ladder with inclusive thresholds."""
    return next((to for below, to in _FRONT if ms <= below), _YEAR_MS)


def interval_ms(text: str) -> int:
    """Milliseconds in a Grafana interval (``30s``, ``1m30s``, ``>10s``, a bare number of
    seconds); ValueError naming the rule otherwise."""
    return round(parse_duration(text.replace("<", "", 1).replace(">", "", 1)) * 1000)


def format_interval(ms: int) -> str:
    """``gtime.FormatInterval``: the largest whole unit (``90s`` is ``1m``)."""
    for unit, size in (("y", _YEAR_MS), ("d", 86400000), ("h", 3600000), ("m", 60000)):
        if ms >= size:
            return f"{ms // size}{unit}"
    return f"{ms // 1000}s" if ms >= 1000 else f"{max(ms, 1)}ms"


def go_duration(ms: int) -> str:
    """Go's ``time.Duration.String()`` for whole milliseconds (``1m0s``, ``1h0m0s``, ``1.5s``)."""
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    hours, rest = divmod(ms, 3600000)
    minutes, rest = divmod(rest, 60000)
    seconds = f"{rest // 1000}" + (f".{rest % 1000:03d}".rstrip("0") if rest % 1000 else "")
    if hours:
        return f"{hours}h{minutes}m{seconds}s"
    return f"{minutes}m{seconds}s" if minutes else f"{seconds}s"


@dataclass(frozen=True, slots=True)
class IntervalInputs:
    """What one target's interval depends on."""

    range_ms: int
    max_data_points: int
    scrape: str
    """The data source's scrape interval as configured (``15s``)."""
    panel_min: str = ""
    """The panel's ``interval`` (Min interval), interpolated."""
    target_min: str = ""
    """The target's ``interval`` (Min step), interpolated."""
    factor: int = 1


@dataclass(frozen=True, slots=True)
class Intervals:
    """The outcome: front-end interval, step and rate interval, in milliseconds."""

    front_ms: int
    step_ms: int
    rate_ms: int


def front_interval(inputs: IntervalInputs) -> int:
    """``rangeutil.calculateInterval(range, maxDataPoints, panel Min interval or scrape)``."""
    low = inputs.panel_min or inputs.scrape
    return max(
        round_front(inputs.range_ms / inputs.max_data_points), interval_ms(low) if low else 1
    )


def compute(inputs: IntervalInputs) -> Intervals:
    """The step and built-in intervals of one target (module docstring)."""
    front = front_interval(inputs)
    written = inputs.target_min
    own = "" if written in _VARIABLE_INTERVALS or written == "0s" else written
    minimum = interval_ms(own) if own else front
    calculated = inputs.range_ms / inputs.max_data_points
    chosen = minimum if calculated < minimum else round_back(calculated)
    adjusted = max(chosen, round_back(inputs.range_ms / SAFE_RESOLUTION))
    if written in _RATE_NAMES:
        step = _rate(adjusted, _scrape_ms(inputs.scrape))
        return Intervals(front, step, step)
    step = adjusted * max(inputs.factor, 1)
    if written in _INTERVAL_NAMES:
        return Intervals(front, step, _rate(front, step))
    return Intervals(front, step, _rate(front, _scrape_ms(written or inputs.scrape)))


def _scrape_ms(text: str) -> int | None:
    try:
        return interval_ms(text or "15s")
    except ValueError:
        return None  # Grafana's calculateRateInterval gives 0 for a Min step it cannot parse


def _rate(interval: int, scrape_ms: int | None) -> int:
    """``calculateRateInterval``: max(interval + scrape, 4 x scrape); scrape 15s when unset."""
    if scrape_ms is None:
        return 0
    return max(interval + scrape_ms, 4 * scrape_ms)


def apply_builtins(expr: str, found: Intervals, range_ms: int) -> str:
    """``interpolateVariables`` of the back end: plain replacements, in Grafana's order."""
    range_s = math.floor(range_ms / 1000 + 0.5)
    pairs = (
        ("__interval_ms", str(found.step_ms)),
        ("__interval", format_interval(found.step_ms)),
        ("__range_ms", str(range_ms)),
        ("__range_s", str(range_s)),
        ("__range", f"{range_s}s"),
        ("__rate_interval_ms", str(found.rate_ms)),
        ("__rate_interval", go_duration(found.rate_ms)),
    )
    for form in ("$name", "${name}"):
        for name, value in pairs:
            expr = expr.replace(form.replace("name", name), value)
    return expr
