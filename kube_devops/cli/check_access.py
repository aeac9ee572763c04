"""The permission lines of ``kube-devops check``, from SelfSubjectAccessReview.

One line per rule of the RBAC that ``kube-devops deploy generate-all`` produces (the ClusterRole's
rules across all namespaces, the leader-election Role's in the Lease namespace): OK when the API
server's authorizer allows every verb, FAIL naming the verbs it denies and where to grant them.
Nothing is called for real: the API server answers what it *would* allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from kube_devops.cli.check_outcome import Outcome, State
from kube_devops.kube.access import AccessQuery, review_access, who_am_i
from kube_devops.kube.client import KubeClient
from kube_devops.manifests.rbac import CLUSTER_ROLE, CLUSTER_RULES, LEASE_ROLE, LEASE_VERBS


@dataclass(frozen=True, slots=True)
class Rule:
    """Verbs on resources of one API group, across all namespaces or in one."""

    group: str
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    namespace: str | None
    grant_in: str


def needed_rules(lease_namespace: str) -> list[Rule]:
    """The rules our generated RBAC grants, in its order."""
    rules = [
        Rule(group, tuple(resources), tuple(verbs), None, f"the ClusterRole {CLUSTER_ROLE}")
        for groups, resources, verbs in CLUSTER_RULES
        for group in groups
    ]
    where = f"the Role {LEASE_ROLE} in {lease_namespace}"
    rules.append(
        Rule("coordination.k8s.io", ("leases",), tuple(LEASE_VERBS), lease_namespace, where)
    )
    return rules


async def identity_outcome(client: KubeClient) -> Outcome:
    """The identity the API server sees (``AccessReviewUnavailableError`` when it cannot say)."""
    return Outcome("Identity", State.OK, await who_am_i(client))


async def access_outcomes(client: KubeClient, lease_namespace: str) -> list[Outcome]:
    """One outcome per needed rule (``AccessReviewUnavailableError``: reviews not served)."""
    return [await _rule_outcome(client, rule) for rule in needed_rules(lease_namespace)]


async def _rule_outcome(client: KubeClient, rule: Rule) -> Outcome:
    denied: list[str] = []
    for resource in rule.resources:
        plural, _, subresource = resource.partition("/")
        for verb in rule.verbs:
            query = AccessQuery(verb, rule.group, plural, subresource, rule.namespace)
            if not (await review_access(client, query)).allowed:
                denied.append(f"{verb} {resource}")
    label = f"{', '.join(rule.resources)}: {', '.join(rule.verbs)}"
    scope = f"in {rule.namespace}" if rule.namespace else "all namespaces"
    if denied:
        detail = f"{scope}; denied: {', '.join(denied)}; grant it in {rule.grant_in}"
        return Outcome(label, State.FAIL, detail)
    return Outcome(label, State.OK, scope)
