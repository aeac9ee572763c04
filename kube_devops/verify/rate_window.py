"""The window-too-short rule, once: a range window under two scrape intervals never holds the
two samples ``rate()`` needs.

- ``too_short(expr, window, consequence="")`` — the detail naming the short windows and the fix,
  or ``None`` when every range window of ``expr`` holds two scrapes. ``classify`` warns with it
  (the query has data, thin), ``explain`` diagnoses an empty query with it.
"""

from __future__ import annotations

from kube_devops.core.promql import format_duration, range_windows
from kube_devops.verify.model import Window


def too_short(expr: str, window: Window, consequence: str = "") -> str | None:
    """What is wrong and how to fix it when a range window of ``expr`` is under two scrape
    intervals of ``window``; ``consequence`` is said after the rule (``", so ..."``)."""
    scrape = window.scrape_seconds
    short = [w for w in range_windows(expr) if w < 2 * scrape]
    if not short:
        return None
    shown = ", ".join(f"[{format_duration(w)}]" for w in short)
    return (
        f"range window {shown} is shorter than two scrape intervals "
        f"(2 x {format_duration(scrape)}){consequence}; use $__rate_interval or at least "
        f"[{format_duration(4 * scrape)}]"
    )
