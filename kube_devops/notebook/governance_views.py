"""Answers for the governance notebook: which namespace is unhealthy and why (a namespace x
check matrix, coloured), and why the watch's namespace score differs from a policy's score.

The watch scores every pod of a namespace with the default checks; the reconcile operator scores
the pods a policy selects with that policy's own checks, weights and thresholds. Both are worked
out here from the same snapshot with the core, side by side.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kube_devops.core.checks import Severity
from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.meta import Meta
from kube_devops.core.policy import DEFAULT_POLICY
from kube_devops.notebook.governance import ClusterSnapshot, evaluate, namespace_scores


def worst_first(found: pd.DataFrame) -> pd.DataFrame:
    """Findings ordered by severity (critical first), then namespace and pod."""
    rank = found["severity"].map(lambda s: -Severity(s).rank)
    ordered = found.assign(_rank=rank).sort_values(["_rank", "namespace", "pod"])
    return ordered.drop(columns="_rank").reset_index(drop=True)


def check_matrix(found: pd.DataFrame) -> pd.DataFrame:
    """Findings counted per namespace (rows) and check (columns); zeros where none."""
    if found.empty:
        return pd.DataFrame()
    return pd.crosstab(found["namespace"], found["check"])


def styled_matrix(matrix: pd.DataFrame) -> Any:
    """The matrix as a pandas Styler: white at zero, deeper red with more findings."""
    return matrix.style.background_gradient(cmap="Reds", axis=None).format("{:d}")


def watch_scores(snap: ClusterSnapshot, now: float) -> pd.DataFrame:
    """Namespace scores as the watch computes them: all pods, the default checks."""
    results = [evaluate_pod(pod, DEFAULT_POLICY, now=now) for pod in snap.pods]
    return namespace_scores(results)


def score_comparison(snap: ClusterSnapshot, now: float) -> pd.DataFrame:
    """Per namespace: the watch's score (default checks), the score under the namespace's
    policy (its checks) and the score the operator last wrote in the policy's status."""
    watch = watch_scores(snap, now).set_index("namespace")["score"].rename("watch_score")
    policy = namespace_scores(evaluate(snap, now)).set_index("namespace")["score"]
    status = {
        Meta.of(p).declared_namespace: (p.get("status") or {}).get("healthScore")
        for p in snap.policies
    }
    frame = pd.concat([watch, policy.rename("policy_checks_score")], axis=1)
    frame["policy_status_score"] = [status.get(ns) for ns in frame.index]
    frame["has_policy"] = [ns in status for ns in frame.index]
    return frame.reset_index(names="namespace")
