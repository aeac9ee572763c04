"""Policy bundles: named, ready-made ``DevOpsPolicy`` specs (reference §10).

baseline: pinned images and readiness probes, audit. restricted: every check, restarts 3, pending
300 s, enforce, stricter severities. permissive: every check, restarts 10, pending 600 s, audit,
low severities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kube_devops.core.bodies import DevOpsPolicy
from kube_devops.core.checks import CheckId, Severity
from kube_devops.core.policy import GROUP, EnforcementMode, PolicySpec, policy_object


@dataclass(frozen=True, slots=True)
class Bundle:
    """A named policy spec with a one-line description."""

    name: str
    """Bundle name used on the command line."""
    description: str
    """What the bundle is for."""
    spec: PolicySpec
    """The policy spec it applies."""


_ALL_LOW = tuple((c, Severity.LOW) for c in CheckId)

BUNDLES: Mapping[str, Bundle] = MappingProxyType(
    {
        "baseline": Bundle(
            "baseline",
            "pinned images and readiness probes, audit only",
            PolicySpec(forbid_latest_tag=True, require_readiness_probe=True),
        ),
        "restricted": Bundle(
            "restricted",
            "every check, restarts > 3, pending > 300 s, enforce, stricter severities",
            PolicySpec(
                forbid_latest_tag=True,
                require_liveness_probe=True,
                require_readiness_probe=True,
                max_restart_count=3,
                forbid_pending_duration=300,
                enforcement_mode=EnforcementMode.ENFORCE,
                severity_overrides=(
                    (CheckId.LATEST_TAG, Severity.CRITICAL),
                    (CheckId.MISSING_LIVENESS, Severity.HIGH),
                    (CheckId.MISSING_READINESS, Severity.HIGH),
                    (CheckId.HIGH_RESTARTS, Severity.CRITICAL),
                    (CheckId.PENDING, Severity.HIGH),
                ),
            ),
        ),
        "permissive": Bundle(
            "permissive",
            "every check, restarts > 10, pending > 600 s, audit, low severities",
            PolicySpec(
                forbid_latest_tag=True,
                require_liveness_probe=True,
                require_readiness_probe=True,
                max_restart_count=10,
                forbid_pending_duration=600,
                severity_overrides=_ALL_LOW,
            ),
        ),
    }
)


def get_bundle(name: str) -> Bundle:
    """The bundle called ``name``; ValueError listing the known bundles."""
    try:
        return BUNDLES[name]
    except KeyError:
        known = ", ".join(BUNDLES)
        raise ValueError(f"unknown policy bundle {name!r}; use one of: {known}") from None


def bundle_policy(name: str, *, namespace: str, policy_name: str) -> DevOpsPolicy:
    """The ``DevOpsPolicy`` object applying bundle ``name`` in ``namespace``."""
    bundle = get_bundle(name)
    labels = {"app.kubernetes.io/name": "kube-devops", f"{GROUP}/bundle": bundle.name}
    return policy_object(policy_name, namespace, bundle.spec, labels=labels)
