"""The dashboard's panels as data: rows Overview, Watch, Reconcile and Webhook.

Every query returns data in a running stack with traffic: no filter on a label value that may
never occur, aggregation across replicas (only leaders export governance series, but a leader
change must not duplicate lines), and ``$namespace`` only on metrics that carry ``namespace``.
Panel ids are stable: row N owns ids N*100+1 onwards.
"""

from __future__ import annotations

from kube_devops.manifests.panel_model import (
    APPLIED,
    CLUSTER_SCORE,
    DENIALS,
    FAILED,
    LAST_SYNC,
    MODE,
    NAMESPACE_SCORE,
    NS,
    POD_EVENTS,
    PODS_SKIPPED,
    PODS_TRACKED,
    POLICY_SCORE,
    RECONCILE_ERRORS,
    RECONCILE_SECONDS,
    RECONCILES,
    REQUESTS,
    SCANNED,
    VIOLATIONS,
    WEBHOOK_SECONDS,
    Kind,
    PanelSpec,
    RowSpec,
    Target,
    Thresholds,
    mean,
    one,
    quantiles,
    rate,
)

_HEALTH = Thresholds.HEALTH
_NS_POLICY = "{{namespace}}/{{policy}}"

OVERVIEW = RowSpec(100, "Overview", (
    PanelSpec(101, Kind.GAUGE, "Cluster Health Score", "none",
              "Cluster governance score (0-100) pooled over every scored pod; red below 40, "
              "orange below 60, yellow below 80, green from 80.",
              one(f"max({CLUSTER_SCORE})", "cluster"), 4, 6, _HEALTH, score_range=True),
    PanelSpec(102, Kind.STAT, "Lowest Namespace Health", "none",
              "The worst namespace score among the selected namespaces.",
              one(f"min({NAMESPACE_SCORE}{{{NS}}})", "lowest"), 4, 6, _HEALTH, score_range=True),
    PanelSpec(103, Kind.STAT, "Open Violations", "short",
              "Violations currently reported by all DevOpsPolicies in the selected namespaces.",
              one(f"sum({VIOLATIONS}{{{NS}}})", "violations"), 4, 6, Thresholds.COUNT),
    PanelSpec(104, Kind.STAT, "Policies", "short",
              "Number of DevOpsPolicy objects the reconcile operator reports on.",
              one(f"count(count by (namespace, policy) ({POLICY_SCORE}{{{NS}}}))", "policies"),
              4, 6),
    PanelSpec(105, Kind.STAT, "Reconcile Cycles per Minute", "cpm",
              "Policy reconciliations per minute across all replicas (about two per policy per "
              "minute at the default 30 s interval).",
              one(f"sum({rate(RECONCILES)}) * 60", "cycles/min"), 4, 6),
    PanelSpec(106, Kind.STAT, "Webhook Requests per Minute", "cpm",
              "Admission requests answered per minute across all webhook replicas.",
              one(f"sum({rate(REQUESTS)}) * 60", "requests/min"), 4, 6),
))  # fmt: skip

WATCH = RowSpec(200, "Watch", (
    PanelSpec(201, Kind.TIMESERIES, "Namespace Health Scores", "none",
              "Governance score per namespace (0-100), red when low.",
              one(f"max by (namespace) ({NAMESPACE_SCORE}{{{NS}}})", "{{namespace}}"),
              12, 8, _HEALTH, score_range=True),
    PanelSpec(202, Kind.TIMESERIES, "Pod Events Rate by Type", "cps",
              "Pod watch events per second, summed by event type (ADDED, MODIFIED, DELETED).",
              one(f"sum by (event) ({rate(POD_EVENTS)})", "{{event}}"), 12, 8),
    PanelSpec(203, Kind.TIMESERIES, "Pods Tracked", "short",
              "Pods the watch controller currently tracks (leader replica).",
              one(f"max({PODS_TRACKED})", "pods"), 12, 8),
    PanelSpec(204, Kind.STAT, "Namespaces Scored", "short",
              "Selected namespaces that currently have a health score.",
              one(f"count({NAMESPACE_SCORE}{{{NS}}})", "namespaces"), 6, 8),
    PanelSpec(205, Kind.GAUGE, "Mean Namespace Health", "none",
              "Unweighted mean of the selected namespaces' scores.",
              one(f"avg({NAMESPACE_SCORE}{{{NS}}})", "mean"), 6, 8, _HEALTH, score_range=True),
    PanelSpec(206, Kind.STAT, "Score Age", "s",
              "Seconds since the watch controller was last in sync with the API server (at most "
              "a scrape interval while it is); during an outage the scores above are kept and "
              "are this old.",
              one(f"time() - max({LAST_SYNC})", "age"), 12, 8, Thresholds.COUNT),
    PanelSpec(207, Kind.GAUGE, "Pods Scored", "percent",
              "Share of the pods seen that the watch controller can score; the rest are skipped "
              "(for example a malformed spec) and its log names each pod and field once.",
              one(f"100 * max({PODS_TRACKED}) / (max({PODS_TRACKED}) + "
                  f"max(sum without (reason) ({PODS_SKIPPED})))", "scored"),
              12, 8, _HEALTH, score_range=True),
))  # fmt: skip

RECONCILE = RowSpec(300, "Reconcile", (
    PanelSpec(301, Kind.TIMESERIES, "Violations by Namespace", "short",
              "Open violations summed over the policies of each namespace.",
              one(f"sum by (namespace) ({VIOLATIONS}{{{NS}}})", "{{namespace}}"),
              12, 8, Thresholds.COUNT),
    PanelSpec(302, Kind.TIMESERIES, "Policy Health Scores", "none",
              "Health score reported by each DevOpsPolicy (0-100), red when low.",
              one(f"max by (namespace, policy) ({POLICY_SCORE}{{{NS}}})", _NS_POLICY),
              12, 8, _HEALTH, score_range=True),
    PanelSpec(303, Kind.TIMESERIES, "Reconcile Rate", "ops",
              "Reconciliation cycles per second across all replicas.",
              one(f"sum({rate(RECONCILES)})", "cycles/s"), 8, 8),
    PanelSpec(304, Kind.TIMESERIES, "Reconcile Errors", "ops",
              "Failed reconciliations per second; anything above zero deserves a look.",
              one(f"sum({rate(RECONCILE_ERRORS)})", "errors/s"), 8, 8, Thresholds.COUNT),
    PanelSpec(305, Kind.TIMESERIES, "Pods Scanned Rate", "cps",
              "Pods evaluated per second by the reconcile operator.",
              one(f"sum({rate(SCANNED)})", "pods/s"), 8, 8),
    PanelSpec(306, Kind.TIMESERIES, "Reconcile Duration Quantiles", "s",
              "p50, p95 and p99 duration of a reconciliation cycle, pooled over replicas.",
              quantiles(RECONCILE_SECONDS), 12, 8),
    PanelSpec(307, Kind.STAT, "Mean Reconcile Duration", "s",
              "Mean duration of a reconciliation cycle over the rate window.",
              one(mean(RECONCILE_SECONDS), "mean"), 6, 8),
    PanelSpec(308, Kind.STAT, "Enforcement Mode", "none",
              "Mode of each DevOpsPolicy: audit (0) reports, enforce (1) remediates.",
              one(f"max by (namespace, policy) ({MODE}{{{NS}}})", _NS_POLICY),
              6, 8, mode_mapping=True),
    PanelSpec(309, Kind.TIMESERIES, "Remediations Applied", "ops",
              "Workload patches applied per second by enforce-mode policies.",
              one(f"sum({rate(APPLIED)})", "applied/s"), 12, 8),
    PanelSpec(310, Kind.TIMESERIES, "Remediations Failed", "ops",
              "Workload patches that failed per second (for example a guarded patch that lost "
              "a race with another writer).",
              one(f"sum({rate(FAILED)})", "failed/s"), 12, 8, Thresholds.COUNT),
))  # fmt: skip

WEBHOOK = RowSpec(400, "Webhook", (
    PanelSpec(401, Kind.TIMESERIES, "Allow/Deny Rate", "reqps",
              "Admission requests per second, summed by verdict.",
              one(f"sum by (allowed) ({rate(REQUESTS)})", "allowed={{allowed}}"), 12, 8),
    PanelSpec(402, Kind.TIMESERIES, "Requests by Operation", "reqps",
              "Admission requests per second, summed by operation (CREATE, UPDATE, ...).",
              one(f"sum by (operation) ({rate(REQUESTS)})", "{{operation}}"), 12, 8),
    PanelSpec(403, Kind.TIMESERIES, "Denial Breakdown by Violation", "reqps",
              "Denials per second, summed by the check that caused them.",
              one(f"sum by (violation) ({rate(DENIALS)})", "{{violation}}"), 12, 8),
    PanelSpec(404, Kind.TIMESERIES, "Denials by Namespace", "reqps",
              "Denials per second, summed by the namespace of the rejected pod.",
              one(f"sum by (namespace) ({rate(DENIALS, NS)})", "{{namespace}}"), 12, 8),
    PanelSpec(405, Kind.TIMESERIES, "Request Latency Quantiles", "s",
              "p50, p95 and p99 time to answer an admission request, pooled over replicas.",
              quantiles(WEBHOOK_SECONDS), 16, 8),
    PanelSpec(406, Kind.STAT, "Mean Request Latency", "s",
              "Mean time to answer an admission request over the rate window.",
              one(mean(WEBHOOK_SECONDS), "mean"), 8, 8),
))  # fmt: skip

ROWS: tuple[RowSpec, ...] = (OVERVIEW, WATCH, RECONCILE, WEBHOOK)


def all_targets() -> list[Target]:
    """Every target of every panel, in dashboard order."""
    return [t for row in ROWS for panel in row.panels for t in panel.targets]
