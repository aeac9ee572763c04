"""Governance report tables for notebooks: namespace scores, violations by check and severity,
the worst workloads, policy statuses and enforcement actions, read from the cluster and scored
with the core (the same code the components use); score trends come from Prometheus."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kube_devops.core.evaluation import PodResult, evaluate_pod
from kube_devops.core.meta import Meta
from kube_devops.core.policy import (
    Policy,
    PolicyError,
    parse_policy,
    policies_by_namespace,
    policy_for,
)
from kube_devops.core.scoring import summarize
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.resources import DEVOPSPOLICIES, EVENTS, PODS
from kube_devops.runtime.sync import run_sync


@dataclass(frozen=True, slots=True)
class ClusterSnapshot:
    """Pods, policies and events as listed from the API."""

    pods: list[dict[str, Any]]
    policies: list[dict[str, Any]]
    events: list[dict[str, Any]]


def snapshot(cluster: ClusterConfig) -> ClusterSnapshot:
    """List pods, DevOpsPolicies and Events across all namespaces."""

    async def read() -> ClusterSnapshot:
        client = KubeClient.from_config(cluster)
        try:
            pods = (await client.list(PODS))["items"]
            policies = (await client.list(DEVOPSPOLICIES))["items"]
            events = (await client.list(EVENTS))["items"]
        finally:
            client.close()
        return ClusterSnapshot(pods, policies, events)

    return run_sync(read)


def applicable_policies(snap: ClusterSnapshot) -> tuple[dict[str, Policy], list[str]]:
    """The policy of each namespace, by the same rule as ``kube-devops analyze`` (the first by
    name; a warning for each policy left out, and for each that cannot be read)."""
    parsed: list[Policy] = []
    unreadable: list[str] = []
    for obj in snap.policies:
        try:
            parsed.append(parse_policy(obj))
        except PolicyError as err:
            unreadable.append(f"{err} (not applied)")
    chosen, warnings = policies_by_namespace(parsed)
    return chosen, unreadable + warnings


def evaluate(snap: ClusterSnapshot, now: float | None = None) -> list[PodResult]:
    """Every pod scored under its namespace's policy (``applicable_policies``), else the default."""
    policies, at = applicable_policies(snap)[0], time.time() if now is None else now
    return [evaluate_pod(pod, policy_for(pod, policies), now=at) for pod in snap.pods]


def namespace_scores(results: list[PodResult]) -> pd.DataFrame:
    """Per namespace: pods, score, class and violations (the cluster pooled in the last row)."""
    summary = summarize(results)
    rows = [
        {"namespace": ns, "pods": t.pods, "score": t.score,
         "class": str(t.classification), "violations": t.total_violations}
        for ns, t in sorted(summary.namespaces.items())
    ]  # fmt: skip
    c = summary.cluster
    rows.append({"namespace": "(cluster)", "pods": c.pods, "score": c.score,
                 "class": str(c.classification), "violations": c.total_violations})  # fmt: skip
    return pd.DataFrame(rows)


def findings(results: list[PodResult]) -> pd.DataFrame:
    """One row per finding: namespace, pod, container, check, severity, message."""
    rows = [
        {"namespace": r.namespace, "pod": r.name, "container": f.container or "",
         "check": str(f.check), "severity": str(f.severity), "message": f.message}
        for r in results
        for f in r.findings
    ]  # fmt: skip
    columns = ["namespace", "pod", "container", "check", "severity", "message"]
    return pd.DataFrame(rows, columns=columns)


def violations_by_check(found: pd.DataFrame) -> pd.DataFrame:
    """Counts of findings, checks down, severities across."""
    if found.empty:
        return pd.DataFrame()
    return pd.crosstab(found["check"], found["severity"])


def worst_workloads(results: list[PodResult], n: int = 10) -> pd.DataFrame:
    """The pods with the highest weighted violation units."""
    rows = [
        {"namespace": r.namespace, "pod": r.name, "raw": r.raw, "findings": len(r.findings)}
        for r in results
        if r.scored and r.findings
    ]
    frame = pd.DataFrame(rows, columns=["namespace", "pod", "raw", "findings"])
    return frame.sort_values("raw", ascending=False, ignore_index=True).head(n)


def policy_statuses(policies: list[dict[str, Any]]) -> pd.DataFrame:
    """Each DevOpsPolicy with its mode and the status the operator wrote."""
    rows = []
    for obj in policies:
        meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
        status: Mapping[str, Any] = obj.get("status") or {}
        rows.append({
            "namespace": meta.get("namespace"), "policy": meta.get("name"),
            "mode": spec.get("enforcementMode", "audit"), "score": status.get("healthScore"),
            "class": status.get("classification"), "violations": status.get("violations"),
            "last_evaluated": status.get("lastEvaluated"),
        })  # fmt: skip
    return pd.DataFrame(rows)


def enforcement_actions(events: list[dict[str, Any]]) -> pd.DataFrame:
    """Events the operator recorded about remediations."""
    rows = [
        {"namespace": Meta.of(e).declared_namespace, "reason": e.get("reason"),
         "object": (e.get("involvedObject") or e.get("regarding") or {}).get("name"),
         "message": e.get("message") or e.get("note")}
        for e in events
        if "emediat" in str(e.get("reason", ""))
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["namespace", "reason", "object", "message"])
