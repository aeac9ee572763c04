"""``ApiContact``: seconds without an answer count only while requests fail."""

from __future__ import annotations

from kube_devops.kube.contact import ApiContact


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_unanswered_only_while_failing_since_the_last_answer() -> None:
    clock = Clock()
    contact = ApiContact(clock)
    clock.now = 160.0
    assert contact.unanswered_for() == 0.0  # nothing failed: a quiet watch is not an outage
    contact.failed()
    assert contact.unanswered_for() == 60.0  # since the client was built at 100
    contact.answered()
    clock.now = 170.0
    assert contact.unanswered_for() == 0.0
    contact.failed()
    clock.now = 175.5
    assert contact.unanswered_for() == 15.5  # since the answer at 160
