"""DevOpsPolicy spec validation, defaults, round trips and errors that name object, field, fix."""

from __future__ import annotations

from typing import Any

import pytest

from kube_devops.core.checks import CheckId, Severity
from kube_devops.core.policy import (
    DEFAULT_POLICY,
    EnforcementMode,
    PolicyError,
    PolicySpec,
    ProbeDefaults,
    ResourceDefaults,
    parse_policy,
    policy_object,
)

FULL = {
    "forbidLatestTag": True,
    "requireLivenessProbe": True,
    "requireReadinessProbe": True,
    "maxRestartCount": 3,
    "forbidPendingDuration": 300,
    "enforcementMode": "enforce",
    "defaultProbe": {"tcpPort": 8080, "initialDelaySeconds": 5, "periodSeconds": 10},
    "defaultResources": {
        "cpuRequest": "100m", "cpuLimit": "500m", "memoryRequest": "128Mi", "memoryLimit": "256Mi",
    },
    "severityOverrides": {"latestTag": "critical", "pending": "low"},
}  # fmt: skip


def test_full_spec_parses_and_round_trips() -> None:
    spec = PolicySpec.from_dict(FULL, where="t")
    assert spec.enforcement_mode is EnforcementMode.ENFORCE
    assert spec.default_probe == ProbeDefaults(8080, 5, 10)
    assert spec.default_resources == ResourceDefaults("100m", "500m", "128Mi", "256Mi")
    assert spec.severity_of(CheckId.LATEST_TAG) is Severity.CRITICAL
    assert spec.severity_of(CheckId.PENDING) is Severity.LOW
    assert spec.severity_of(CheckId.HIGH_RESTARTS) is Severity.CRITICAL
    assert spec.severity_of(CheckId.MISSING_READINESS) is Severity.LOW
    assert spec.to_dict() == FULL
    assert PolicySpec.from_dict(spec.to_dict(), where="t") == spec


def test_empty_spec_enables_nothing() -> None:
    spec = PolicySpec.from_dict({}, where="t")
    assert spec.enabled_checks() == frozenset()
    assert spec.enforcement_mode is EnforcementMode.AUDIT
    assert spec.to_dict() == {"enforcementMode": "audit"}


def test_partial_probe_and_resources_take_defaults() -> None:
    spec = PolicySpec.from_dict(
        {"defaultProbe": {}, "defaultResources": {"memoryLimit": "1Gi"}}, where="t"
    )
    assert spec.default_probe == ProbeDefaults(None, 5, 10)
    assert spec.default_resources == ResourceDefaults("100m", "500m", "128Mi", "1Gi")


def test_default_policy() -> None:
    assert DEFAULT_POLICY.enabled_checks() == frozenset(CheckId)
    assert (DEFAULT_POLICY.max_restart_count, DEFAULT_POLICY.forbid_pending_duration) == (3, 300)


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        (
            {"enforcementMode": "enforcing"},
            "spec.enforcementMode",
            "pol: spec.enforcementMode: 'enforcing' is not allowed; use one of: audit, enforce",
        ),
        (
            {"maxRestartCount": -1},
            "spec.maxRestartCount",
            "pol: spec.maxRestartCount: -1 is out of range; use a whole number >= 0",
        ),
        (
            {"forbidLatestTag": "yes"},
            "spec.forbidLatestTag",
            "pol: spec.forbidLatestTag: 'yes' is not a boolean; use true or false",
        ),
        (
            {"forbidPendingDuration": "5m"},
            "spec.forbidPendingDuration",
            "pol: spec.forbidPendingDuration: '5m' is not an integer; use a whole number >= 0",
        ),
        (
            {"defaultProbe": {"tcpPort": 70000}},
            "spec.defaultProbe.tcpPort",
            "pol: spec.defaultProbe.tcpPort: 70000 is out of range; "
            "use a whole number between 1 and 65535",
        ),
        (
            {"defaultResources": {"cpuLimit": 2}},
            "spec.defaultResources.cpuLimit",
            "pol: spec.defaultResources.cpuLimit: 2 is not a resource quantity; "
            "write e.g. '100m' or '128Mi' as a string",
        ),
        (
            {"severityOverrides": {"latestTag": "urgent"}},
            "spec.severityOverrides.latestTag",
            "pol: spec.severityOverrides.latestTag: 'urgent' is not allowed; "
            "use one of: critical, high, medium, low",
        ),
        (
            {"severityOverrides": {"latest": "high"}},
            "spec.severityOverrides.latest",
            "pol: spec.severityOverrides.latest: unknown field; use one of: latestTag, "
            "missingLiveness, missingReadiness, highRestarts, pending",
        ),
        (
            {"forbidLatestTags": True},
            "spec.forbidLatestTags",
            "pol: spec.forbidLatestTags: unknown field; use one of: forbidLatestTag, "
            "requireLivenessProbe, requireReadinessProbe, maxRestartCount, forbidPendingDuration, "
            "enforcementMode, defaultProbe, defaultResources, severityOverrides",
        ),
        ([1, 2], "spec", "pol: spec: expected a mapping, got list; write key: value pairs"),
    ],
)
def test_invalid_spec(spec: Any, field: str, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        PolicySpec.from_dict(spec, where="pol")
    assert (info.value.where, info.value.field, str(info.value)) == ("pol", field, message)


def test_parse_policy_names_the_object() -> None:
    obj = {
        "apiVersion": "devops.stochastic.io/v1",
        "kind": "DevOpsPolicy",
        "metadata": {"name": "p", "namespace": "staging", "generation": 4, "uid": "u-1"},
        "spec": {"enforcementMode": "enforcing"},
    }
    with pytest.raises(PolicyError) as info:
        parse_policy(obj, where="policies.yaml#2")
    assert str(info.value).startswith(
        "policies.yaml#2 (DevOpsPolicy/staging/p): spec.enforcementMode: 'enforcing' is not allowed"
    )
    obj["spec"] = {"forbidLatestTag": True}
    policy = parse_policy(obj)
    assert (policy.key, policy.generation, policy.uid) == ("staging/p", 4, "u-1")
    assert policy.spec.enabled_checks() == frozenset({CheckId.LATEST_TAG})


def test_parse_policy_rejects_wrong_kind_and_missing_name() -> None:
    with pytest.raises(
        PolicyError, match=r"kind: 'Pod' is not DevOpsPolicy; set kind: DevOpsPolicy"
    ):
        parse_policy({"kind": "Pod", "metadata": {"name": "x"}})
    with pytest.raises(PolicyError, match=r"DevOpsPolicy/default/\?: metadata.name: missing"):
        parse_policy({"kind": "DevOpsPolicy", "metadata": {}})


def test_policy_object() -> None:
    spec = PolicySpec(forbid_latest_tag=True)
    assert policy_object("p", "dev", spec) == {
        "apiVersion": "devops.stochastic.io/v1",
        "kind": "DevOpsPolicy",
        "metadata": {"name": "p", "namespace": "dev"},
        "spec": {"forbidLatestTag": True, "enforcementMode": "audit"},
    }
