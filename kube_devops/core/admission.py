"""The admission verdict: a pure function of (request, policies of the namespace, settings).

Rules: only pod CREATE and UPDATE on the main resource are judged; DELETE, CONNECT, subresources,
other kinds and system namespaces are allowed. Audit-mode policies only warn. Enforce-mode
policies deny findings whose severity (after ``severityOverrides``) is at or above
``deny_severity`` and warn on the rest. An UPDATE is denied only for findings the old object did
not have. With several policies the strictest wins: any denial denies. ``policies=None`` means
the policy cache is unavailable: allowed with a warning (fail-open) or denied (fail-closed).
The denial message and the warnings are bounded (``core.admission_message``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kube_devops.core.admission_message import (
    Violation,
    capped_warnings,
    denial_message,
)
from kube_devops.core.admission_pod import admission_findings, admission_pod, policy_findings
from kube_devops.core.admission_review import AdmissionRequest, render_response
from kube_devops.core.checks import CheckId, Severity
from kube_devops.core.findings import Finding
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.core.pod_shape import malformed_field
from kube_devops.core.policy import EnforcementMode, Policy

_RANK = {severity: severity.rank for severity in Severity}


@dataclass(frozen=True, slots=True)
class AdmissionSettings:
    """How the webhook judges (``kube-devops webhook serve`` flags)."""

    deny_severity: Severity = Severity.HIGH
    """Enforce-mode findings at or above this severity are denied; lower ones only warn."""
    fail_closed: bool = False
    """Deny, instead of allow, when the webhook cannot judge (no policy cache, bad input)."""
    system_namespaces: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES
    """Namespaces never judged."""


class AdmissionReason(StrEnum):
    """Short machine-readable reason of an admission answer (logged with every answer)."""

    COMPLIANT = "compliant"
    """Judged: no finding."""
    VIOLATIONS_WARNED = "violations-warned"
    """Judged: findings, none denied (audit mode or below the deny severity)."""
    VIOLATIONS = "violations"
    """Judged: denied."""
    NO_POLICY = "no-policy"
    """No DevOpsPolicy in the namespace."""
    SUBRESOURCE = "subresource"
    """A subresource request: not judged."""
    NOT_A_POD = "not-a-pod"
    """Another kind: not judged."""
    SYSTEM_NAMESPACE = "system-namespace"
    """A system namespace: not judged."""
    OPERATION_DELETE = "operation-delete"
    """DELETE: not judged."""
    OPERATION_CONNECT = "operation-connect"
    """CONNECT: not judged."""
    OPERATION_UNKNOWN = "operation-unknown"
    """An operation the API server does not send: not judged."""
    FAIL_OPEN = "fail-open"
    """Could not judge; allowed with a warning."""
    FAIL_CLOSED = "fail-closed"
    """Could not judge; denied."""


@dataclass(frozen=True, slots=True)
class AdmissionVerdict:
    """The answer: allowed or not, why, and what to tell the user."""

    allowed: bool
    reason: AdmissionReason
    """Short machine-readable reason, e.g. ``compliant``, ``violations``, ``subresource``."""
    warnings: tuple[str, ...] = ()
    code: int | None = None
    """``status.code`` (403 for a policy denial)."""
    message: str | None = None
    """``status.message``: the denied violations as container and check (the first 20; the rest
    counted per check)."""
    denials: tuple[Violation, ...] = ()
    """The violations that denied (one per container and check); empty when allowed."""


def verdict(
    request: AdmissionRequest,
    policies: Sequence[Policy] | None,
    settings: AdmissionSettings,
) -> AdmissionVerdict:
    """Judge ``request`` under the ``policies`` of its namespace (None: cache unavailable)."""
    skip = _skip_reason(request, settings)
    if skip is not None:
        return AdmissionVerdict(True, skip)
    if policies is None:
        return unable_verdict("policy cache not synced", settings, code=503)
    if not policies:
        return AdmissionVerdict(True, AdmissionReason.NO_POLICY)
    if request.object is None:
        return unable_verdict("request.object is missing or not an object", settings, code=400)
    if field := malformed_field(request.object):
        return unable_verdict(f"the pod is malformed ({field})", settings, code=400)
    found = admission_findings(admission_pod(request.object, request.namespace))
    if not found:
        return AdmissionVerdict(True, AdmissionReason.COMPLIANT)
    old = request.old_object
    was = admission_findings(admission_pod(old, request.namespace)) if old else ()
    denials: dict[tuple[str, CheckId], Violation] = {}
    warnings: list[str] = []
    for policy in sorted(policies, key=lambda p: p.name):
        _judge(policy, found, was, settings, denials, warnings)
    return _conclude(list(denials.values()), warnings)


def _skip_reason(request: AdmissionRequest, settings: AdmissionSettings) -> AdmissionReason | None:
    if request.operation not in ("CREATE", "UPDATE"):
        return AdmissionReason(f"operation-{request.operation_label.lower()}")
    if request.sub_resource:
        return AdmissionReason.SUBRESOURCE
    if request.kind != "Pod" or request.kind_group != "":
        return AdmissionReason.NOT_A_POD
    if request.namespace in settings.system_namespaces:
        return AdmissionReason.SYSTEM_NAMESPACE
    return None


def _judge(
    policy: Policy,
    found: tuple[Finding, ...],
    was: tuple[Finding, ...],
    settings: AdmissionSettings,
    denials: dict[tuple[str, CheckId], Violation],
    warnings: list[str],
) -> None:
    findings = policy_findings(found, policy.spec)
    if not findings:
        return
    existing = {(f.container, f.check) for f in policy_findings(was, policy.spec)}
    enforce = policy.spec.enforcement_mode is EnforcementMode.ENFORCE
    threshold = _RANK[settings.deny_severity]
    for f in findings:
        container = f.container or ""
        denies = (
            enforce and _RANK[f.severity] >= threshold and (f.container, f.check) not in existing
        )
        if denies:
            check = CheckId(f.check)  # admission sees only built-in checks
            denials.setdefault(
                (container, check), Violation(policy.key, container, check, f.severity, f.message)
            )
        else:
            warnings.append(_warning(policy, f, (f.container, f.check) in existing))


def _warning(policy: Policy, f: Finding, existed: bool) -> str:
    mode = policy.spec.enforcement_mode.value
    tail = "; already present before this update" if existed else ""
    head = f"DevOpsPolicy {policy.key} ({mode}): {f.check} [{f.severity.value}]"
    return f"{head} {f.message}{tail}"


def _conclude(denials: list[Violation], warnings: list[str]) -> AdmissionVerdict:
    capped = capped_warnings(warnings)
    if not denials:
        reason = AdmissionReason.VIOLATIONS_WARNED if warnings else AdmissionReason.COMPLIANT
        return AdmissionVerdict(True, reason, capped)
    message = denial_message(denials)
    return AdmissionVerdict(False, AdmissionReason.VIOLATIONS, capped, 403, message, tuple(denials))


def unable_verdict(why: str, settings: AdmissionSettings, *, code: int = 500) -> AdmissionVerdict:
    """When the webhook cannot judge: allowed with a warning saying why, or denied fail-closed."""
    if settings.fail_closed:
        message = f"kube-devops webhook cannot judge: {why}"
        return AdmissionVerdict(False, AdmissionReason.FAIL_CLOSED, (), code, message)
    warning = f"kube-devops webhook allowed without checks: {why}"
    return AdmissionVerdict(True, AdmissionReason.FAIL_OPEN, (warning,))


def review_for(uid: str, answer: AdmissionVerdict) -> dict[str, Any]:
    """The AdmissionReview response carrying ``answer`` for request ``uid``."""
    return render_response(
        uid, allowed=answer.allowed, warnings=answer.warnings, code=answer.code,
        message=answer.message,
    )  # fmt: skip
