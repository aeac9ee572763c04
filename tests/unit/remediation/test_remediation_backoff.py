"""Refused remediation patches: held back per step of the backoff, per plan, per policy."""

from __future__ import annotations

from kube_devops.core.remediation_backoff import RejectionBook

KEY = "shop/probes deployment/shop/web"
PLAN = (1, 4, ("app", "livenessProbe"))
T0 = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def book() -> RejectionBook:
    return RejectionBook(base=2.0, maximum=10.0, jitter=lambda: 1.0)


def test_the_same_plan_is_held_until_each_retry_time() -> None:
    b = book()
    assert b.holding(KEY, PLAN, T0) is None  # never refused: try it

    first = b.rejected(KEY, PLAN, "denied (HTTP 422)", T0)
    assert (first.attempts, first.retry_at) == (1, T0 + 2)
    assert b.holding(KEY, PLAN, T0 + 1.9) is first
    assert b.holding(KEY, PLAN, T0 + 2) is None

    retry_ats = [b.rejected(KEY, PLAN, "denied (HTTP 422)", T0).retry_at - T0 for _ in range(4)]
    assert retry_ats == [4, 8, 10, 10]  # doubling from 2 s, capped at 10 s


def test_message_names_the_error_the_attempt_and_the_next_attempt() -> None:
    b = book()
    b.rejected(KEY, PLAN, "denied (HTTP 422)", T0)
    second = b.rejected(KEY, PLAN, "denied (HTTP 422)", T0 + 2)

    assert second.message == "denied (HTTP 422) (attempt 2; next attempt at 2027-01-15T08:00:06Z)"


def test_another_plan_is_tried_at_once_and_starts_a_new_count() -> None:
    b = book()
    b.rejected(KEY, PLAN, "denied", T0)
    edited = (2, 4, ("app", "livenessProbe"))  # the policy's generation moved on

    assert b.holding(KEY, edited, T0 + 0.5) is None
    assert b.rejected(KEY, edited, "denied", T0 + 0.5).attempts == 1


def test_cleared_and_forgotten_refusals_hold_nothing() -> None:
    b = book()
    other = "shop/other deployment/shop/web"
    b.rejected(KEY, PLAN, "denied", T0)
    b.rejected(other, PLAN, "denied", T0)

    b.forget("shop/probes ")
    assert b.holding(KEY, PLAN, T0) is None
    assert b.holding(other, PLAN, T0) is not None
    b.cleared(other)
    assert b.holding(other, PLAN, T0) is None
