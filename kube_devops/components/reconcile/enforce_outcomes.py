"""What became of one workload's remediation, and how a refused patch is kept and reported.

A patch the API refused while the workload did not change is a standing refusal: it is counted in
``devopspolicy_remediations_failed_total``, logged once, and kept in the ``RejectionBook``
(``core.remediation_backoff``) against a fingerprint, so the same plan is not sent again before
its backoff step has passed; a new generation of the policy or of the workload, or other changes
to make, change the fingerprint and are tried at once. A workload that kept changing under our
patches is counted and logged too, but not held back: the next cycle tries again. Each attempt is
recorded as one Event on the policy.

- ``Outcome`` — a workload's last plan, the error for the status (None: applied or nothing to do)
  and whether anything was sent;
- ``fingerprint(policy, plan, workload)`` — what a refusal is remembered against;
- ``refused(plan, error, key=, fingerprint=, book=, metrics=, now=)`` — count, log and (with a
  fingerprint) hold back one refused attempt;
- ``await record_event(client, policy, plan, error, now=, instance=)`` — the Event of an attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass

from kube_devops.core.bodies import Workload
from kube_devops.core.meta import Meta
from kube_devops.core.policy import Policy
from kube_devops.core.remediation_backoff import RejectionBook
from kube_devops.core.remediation_model import RemediationPlan
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import KubeError
from kube_devops.kube.policies import create_event

from .events import remediation_event
from .metrics import ReconcileMetrics

#: Every enforcement log line keeps the logger name of ``enforce``, whichever module writes it.
log = logging.getLogger(f"{__package__}.enforce")


@dataclass(frozen=True)
class Outcome:
    """What became of one workload: its last plan, and an error (None: applied or nothing)."""

    plan: RemediationPlan
    error: str | None = None
    attempted: bool = True
    """False when a standing refusal held the patch back (nothing sent, nothing reported)."""


def fingerprint(policy: Policy, plan: RemediationPlan, workload: Workload) -> Hashable:
    """What a refusal is remembered against: after an edit of the policy's or the workload's
    spec (a new generation), or with other changes to make, the patch is tried at once."""
    return policy.generation, Meta.of(workload).generation, plan.actions


def refused(
    plan: RemediationPlan,
    error: str,
    *,
    key: str,
    fingerprint: Hashable | None,
    book: RejectionBook,
    metrics: ReconcileMetrics,
    now: float,
) -> Outcome:
    """Count, log and (with a ``fingerprint``: a standing refusal) hold back one refused
    attempt; the outcome carries the status text."""
    metrics.remediations_failed.inc()
    extra: dict[str, object] = {"workload": plan.workload.key, "error": error}
    if fingerprint is None:  # it kept changing: the next cycle tries again
        log.warning("remediation failed", extra=extra)
        return Outcome(plan, f"{error}; the next cycle tries again")
    rejection = book.rejected(key, fingerprint, error, now)
    retry_in = round(rejection.retry_at - now, 3)
    log.warning("remediation failed", extra={**extra, "attempt": rejection.attempts,
                                             "retry_in": retry_in})  # fmt: skip
    return Outcome(plan, rejection.message)


async def record_event(
    client: KubeClient,
    policy: Policy,
    plan: RemediationPlan,
    error: str | None,
    *,
    now: float,
    instance: str,
) -> None:
    """Record one attempt as an Event on ``policy``; a failure to record is logged, not raised."""
    event = remediation_event(policy, plan, error=error, now=now, instance=instance)
    try:
        await create_event(client, event)
    except KubeError as err:
        log.warning("cannot record event", extra={"policy": policy.key, "error": str(err)})
