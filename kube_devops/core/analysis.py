"""Analysis of a set of objects: policies per namespace, pods evaluated, pooled summary, report.

``analyze_documents`` takes ``(where, document)`` pairs (documents loaded from files, stdin or
the API), keeps going past bad documents (each becomes one error line) and applies every valid
``DevOpsPolicy`` to the pods of its namespace (the default policy elsewhere). ``report`` renders
the JSON contract of ``kube-devops analyze -o json``.

A policy may come after the pods it governs, so pods are evaluated once every document has been
read; until then each pod is kept pickled (a few hundred bytes instead of a tree of objects), so a
stream of tens of thousands of pods fits in little memory.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.findings import PodResult
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.core.objects import ObjectError, check_pod_shape, expand, label, pod_spec_path
from kube_devops.core.policy import (
    KIND,
    Policy,
    PolicyError,
    parse_policy,
    policies_by_namespace,
    policy_for,
)
from kube_devops.core.scoring import Summary, summarize
from kube_devops.core.workloads import WORKLOAD_KINDS, pods_from_object


@dataclass
class Analysis:
    """Everything one analysis found."""

    results: list[PodResult] = field(default_factory=list)
    """One result per pod (unscored ones included)."""
    summary: Summary = field(default_factory=lambda: summarize(()))
    """Cluster and per-namespace tallies."""
    policies: dict[str, Policy] = field(default_factory=dict)
    """The policy applied per namespace."""
    errors: list[str] = field(default_factory=list)
    """One line per document that could not be analysed."""
    warnings: list[str] = field(default_factory=list)
    """Notes that did not stop anything (e.g. two policies in one namespace)."""
    ignored: int = 0
    """Documents of kinds that hold no pods (Services, ConfigMaps ...)."""


def analyze_documents(
    documents: Iterable[tuple[str, object]],
    *,
    now: float,
    namespaces: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES,
    use_policies: bool = True,
) -> Analysis:
    """Collect policies and pods from ``documents``, then evaluate every pod at ``now``."""
    out = Analysis()
    pods: list[bytes] = []
    policies: list[Policy] = []
    for where, doc in documents:
        if doc is None:
            continue
        try:
            for at, obj in expand(doc, where):
                _collect(at, obj, pods, policies, out)
        except (ObjectError, PolicyError) as err:
            out.errors.append(str(err))
    if use_policies:
        out.policies, notes = policies_by_namespace(policies)
        out.warnings += notes
    out.results = [_evaluate(pickle.loads(p), out.policies, now, namespaces) for p in pods]
    out.summary = summarize(out.results)
    return out


def _evaluate(
    pod: Mapping[str, Any], policies: dict[str, Policy], now: float, namespaces: SystemNamespaces
) -> PodResult:
    return evaluate_pod(pod, policy_for(pod, policies), now=now, namespaces=namespaces)


def _collect(
    where: str,
    obj: Mapping[str, Any],
    pods: list[bytes],
    policies: list[Policy],
    out: Analysis,
) -> None:
    kind = obj["kind"]
    if kind == KIND:
        policies.append(parse_policy(obj, where=where))
    elif kind in WORKLOAD_KINDS:
        at = f"{where} ({label(obj)})"
        found = pods_from_object(obj)
        for pod in found:
            check_pod_shape(pod, where=at, spec_path=pod_spec_path(kind))
        pods.extend(pickle.dumps(pod, pickle.HIGHEST_PROTOCOL) for pod in found)
    else:
        out.ignored += 1


def report(analysis: Analysis) -> dict[str, Any]:
    """The ``-o json`` contract: cluster, namespaces (with violations per check), findings."""
    cluster = analysis.summary.cluster
    return {
        "cluster": {
            "score": cluster.score,
            "class": cluster.classification.value,
            "pods": cluster.pods,
        },
        "namespaces": [
            {
                "namespace": ns,
                "score": t.score,
                "class": t.classification.value,
                "pods": t.pods,
                "violations": t.violations,
            }
            for ns, t in analysis.summary.namespaces.items()
        ],
        "findings": [
            {
                "namespace": r.namespace,
                "pod": r.name,
                "container": f.container,
                "check": str(f.check),
                "severity": f.severity.value,
                "message": f.message,
            }
            for r in sorted(analysis.results, key=lambda r: (r.namespace, r.name))
            for f in r.findings
        ],
    }
