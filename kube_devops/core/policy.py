"""``DevOpsPolicy`` objects: identity constants, the parsed ``Policy`` and ``parse_policy``.

The spec model lives in ``policy_spec`` and is re-exported here, so callers import everything
policy-related from ``kube_devops.core.policy``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kube_devops.core.bodies import DevOpsPolicy, ObjectMeta
from kube_devops.core.meta import Meta
from kube_devops.core.policy_spec import (
    DEFAULT_POLICY,
    EnforcementMode,
    PolicySpec,
    ProbeDefaults,
    ResourceDefaults,
    spec_keys,
)
from kube_devops.core.validation import PolicyError

__all__ = [
    "DEFAULT_POLICY",
    "GROUP",
    "KIND",
    "PLURAL",
    "VERSION",
    "EnforcementMode",
    "Policy",
    "PolicyError",
    "PolicySpec",
    "ProbeDefaults",
    "ResourceDefaults",
    "parse_policy",
    "policy_object",
    "spec_keys",
]

GROUP = "devops.stochastic.io"
VERSION = "v1"
KIND = "DevOpsPolicy"
PLURAL = "devopspolicies"
SINGULAR = "devopspolicy"
SHORT_NAME = "dop"
API_VERSION = f"{GROUP}/{VERSION}"
CRD_NAME = f"{PLURAL}.{GROUP}"


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed ``DevOpsPolicy``: identity, validated spec and the metadata the operator needs."""

    namespace: str
    """Namespace the policy governs (its own)."""
    name: str
    """metadata.name."""
    spec: PolicySpec
    """The validated spec."""
    generation: int | None = None
    """metadata.generation (None for objects not from a server)."""
    uid: str | None = None
    """metadata.uid."""

    @property
    def key(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace}/{self.name}"


def parse_policy(obj: Mapping[str, Any], *, where: str | None = None) -> Policy:
    """Parse a ``DevOpsPolicy`` object; PolicyError names the object, field and fix.

    ``where`` defaults to ``DevOpsPolicy/<namespace>/<name>``; pass e.g. ``file.yaml#2`` to add
    the source. A missing namespace is ``default``, as kubectl would apply it.
    """
    meta = Meta.of(obj)
    name, namespace = meta.name, meta.namespace
    label = meta.label(KIND)
    where = f"{where} ({label})" if where else label
    if obj.get("kind") != KIND:
        raise PolicyError(where, "kind", f"{obj.get('kind')!r} is not {KIND}", f"set kind: {KIND}")
    if not name:
        raise PolicyError(where, "metadata.name", "missing", "give the policy a name")
    spec = PolicySpec.from_dict(obj.get("spec"), where=where)
    return Policy(
        namespace=namespace,
        name=name,
        spec=spec,
        generation=meta.generation,
        uid=meta.uid,
    )


def policy_object(
    name: str, namespace: str, spec: PolicySpec, *, labels: Mapping[str, str] | None = None
) -> DevOpsPolicy:
    """A ``DevOpsPolicy`` manifest for ``spec`` (ready for ``kubectl apply``)."""
    metadata: ObjectMeta = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = dict(labels)
    return {"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": spec.to_dict()}


def policies_by_namespace(policies: Iterable[Policy]) -> tuple[dict[str, Policy], list[str]]:
    """The policy that applies in each namespace, and a warning for every one left out.

    Several policies in one namespace: the first by name applies (what ``kube-devops analyze``,
    the governance notebook and the components agree on); each of the others is named in a
    warning that says to keep one policy per namespace.
    """
    chosen: dict[str, Policy] = {}
    warnings: list[str] = []
    for policy in sorted(policies, key=lambda p: (p.namespace, p.name)):
        first = chosen.setdefault(policy.namespace, policy)
        if first is not policy:
            warnings.append(
                f"namespace {policy.namespace}: several DevOpsPolicies; using {first.name}, "
                f"ignoring {policy.name} (keep one policy per namespace)"
            )
    return chosen, warnings


def policy_for(pod: Mapping[str, Any], policies: Mapping[str, Policy]) -> PolicySpec:
    """The spec a pod is judged by: its namespace's policy, else the default policy."""
    policy = policies.get(Meta.of(pod).namespace)
    return DEFAULT_POLICY if policy is None else policy.spec
