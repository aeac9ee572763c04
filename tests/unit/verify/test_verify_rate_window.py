"""The window-too-short rule (``verify.rate_window``), shared by the warning and the diagnosis."""

from __future__ import annotations

from kube_devops.verify.model import Window
from kube_devops.verify.rate_window import too_short

WINDOW = Window(start=0.0, end=600.0, step=15.0, scrape_seconds=15.0)


def test_a_window_of_two_scrapes_or_more_passes() -> None:
    assert too_short("rate(http_requests_total[30s])", WINDOW) is None
    assert too_short("sum(rate(a[1m])) / sum(rate(b[5m]))", WINDOW) is None
    assert too_short("up", WINDOW) is None


def test_short_windows_are_named_with_the_fix() -> None:
    assert too_short("rate(a[20s]) + rate(b[1m]) + rate(c[15s])", WINDOW) == (
        "range window [20s], [15s] is shorter than two scrape intervals (2 x 15s); "
        "use $__rate_interval or at least [1m]"
    )


def test_the_consequence_is_said_before_the_fix() -> None:
    detail = too_short("rate(a[20s])", WINDOW, ", so it never holds the two samples rate() needs")
    assert detail == (
        "range window [20s] is shorter than two scrape intervals (2 x 15s), so it never holds "
        "the two samples rate() needs; use $__rate_interval or at least [1m]"
    )
