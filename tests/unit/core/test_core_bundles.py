"""Policy bundles (reference §10)."""

from __future__ import annotations

import pytest

from kube_devops.core.bundles import BUNDLES, bundle_policy, get_bundle
from kube_devops.core.checks import CheckId, Severity
from kube_devops.core.policy import EnforcementMode, PolicySpec, parse_policy


def test_bundle_names() -> None:
    assert list(BUNDLES) == ["baseline", "restricted", "permissive"]


def test_baseline() -> None:
    spec = get_bundle("baseline").spec
    assert spec.enabled_checks() == {CheckId.LATEST_TAG, CheckId.MISSING_READINESS}
    assert spec.enforcement_mode is EnforcementMode.AUDIT


def test_restricted() -> None:
    spec = get_bundle("restricted").spec
    assert spec.enabled_checks() == frozenset(CheckId)
    assert (spec.max_restart_count, spec.forbid_pending_duration) == (3, 300)
    assert spec.enforcement_mode is EnforcementMode.ENFORCE
    assert [s.value for s in spec.severities] == ["critical", "high", "high", "critical", "high"]


def test_permissive() -> None:
    spec = get_bundle("permissive").spec
    assert (spec.max_restart_count, spec.forbid_pending_duration) == (10, 600)
    assert set(spec.severities) == {Severity.LOW}


def test_unknown_bundle() -> None:
    with pytest.raises(ValueError, match="unknown policy bundle 'strict'; use one of: baseline"):
        get_bundle("strict")


@pytest.mark.parametrize("name", ["baseline", "restricted", "permissive"])
def test_bundle_policy_parses_back(name: str) -> None:
    obj = bundle_policy(name, namespace="team-a", policy_name="devops-policy")
    assert obj["metadata"]["labels"]["devops.stochastic.io/bundle"] == name
    policy = parse_policy(obj)
    assert policy.key == "team-a/devops-policy"
    assert policy.spec == get_bundle(name).spec
    assert PolicySpec.from_dict(obj["spec"], where=name) == get_bundle(name).spec
