"""Which policy applies: one rule for ``kube-devops analyze`` and the governance notebook."""

from __future__ import annotations

from typing import Any

from kube_devops.core.analysis import analyze_documents
from kube_devops.core.policy import (
    DEFAULT_POLICY,
    PolicySpec,
    parse_policy,
    policies_by_namespace,
    policy_for,
    policy_object,
)
from kube_devops.notebook.governance import ClusterSnapshot, applicable_policies

STRICT = PolicySpec(max_restart_count=1)
LOOSE = PolicySpec(max_restart_count=9)
# two policies in "shop": "b-strict" sorts after "a-loose", so "a-loose" applies
POLICIES: list[dict[str, Any]] = [
    dict(policy_object("b-strict", "shop", STRICT)),
    dict(policy_object("a-loose", "shop", LOOSE)),
]
WARNING = (
    "namespace shop: several DevOpsPolicies; using a-loose, ignoring b-strict "
    "(keep one policy per namespace)"
)


def test_first_by_name_applies_and_the_other_is_named() -> None:
    chosen, warnings = policies_by_namespace(parse_policy(p) for p in POLICIES)
    assert {ns: p.name for ns, p in chosen.items()} == {"shop": "a-loose"}
    assert warnings == [WARNING]


def test_a_pod_without_a_policy_gets_the_default_and_no_namespace_means_default() -> None:
    chosen, _ = policies_by_namespace([parse_policy(POLICIES[0])])
    assert policy_for({"metadata": {"name": "p", "namespace": "shop"}}, chosen) == STRICT
    assert policy_for({"metadata": {"name": "p", "namespace": "other"}}, chosen) is DEFAULT_POLICY
    default_ns, _ = policies_by_namespace(
        [parse_policy(dict(policy_object("d", "default", STRICT)))]
    )
    assert policy_for({"metadata": {"name": "p"}}, default_ns) == STRICT


def test_the_governance_notebook_and_analyze_choose_alike() -> None:
    notebook, notes = applicable_policies(ClusterSnapshot(pods=[], policies=POLICIES, events=[]))
    analysis = analyze_documents([("policies.yaml", p) for p in POLICIES], now=0.0)
    assert {ns: p.name for ns, p in notebook.items()} == {"shop": "a-loose"}
    assert {ns: p.name for ns, p in analysis.policies.items()} == {"shop": "a-loose"}
    assert notes == analysis.warnings == [WARNING]
