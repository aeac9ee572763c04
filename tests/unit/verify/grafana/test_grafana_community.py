"""A dashboard shaped like the ones shared on grafana.com: ``${DS_PROMETHEUS}`` data sources, an
open and a collapsed row, query/interval/custom/constant variables, ``$__range``, and a Loki
panel that is not PromQL. Expected queries worked out by hand from Grafana's rules:
``rangeutil.calculateInterval``/``roundInterval`` (front-end interval), the data source's scrape
interval as the lower limit, ``$__rate_interval`` = max(interval + scrape, 4 x scrape), and the
interval variable's ``auto`` step (``auto_count`` 30, ``auto_min`` 10s)."""

from __future__ import annotations

import json
from pathlib import Path

from kube_devops.verify.grafana import DashboardSource, PlanOptions, plan_dashboard
from tests.unit.verify.grafana.grafana_fakes import TableSource

DASHBOARD = Path(__file__).parent / "community_dashboard.json"
NAMESPACES = TableSource(
    {("/api/v1/label/namespace/values", "namespace_health_score"): ["dev", "staging"]}
)
# range 10 min, scrape 1 s
OPTIONS = PlanOptions(end=1_700_000_000, range_seconds=600, scrape_seconds=1)


def _planned() -> object:
    raw = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return plan_dashboard(DashboardSource(raw, str(DASHBOARD)), NAMESPACES, OPTIONS)


def test_targets_in_layout_order_final_queries_and_the_loki_panel_unchecked() -> None:
    planned = _planned()
    assert [(t.row, t.title, t.ref_id, t.expr) for t in planned.targets] == [  # type: ignore[attr-defined]
        ("Top", "Cluster score", "A", 'cluster_health_score{job="kube-devops-watch"}'),
        # All without allValue, :regex format: every value
        ("Top", "NS score", "A",
         'avg by (namespace) (namespace_health_score{namespace=~"(dev|staging)"})'),
        # $__range is whole seconds + "s" (promlib's query.go, the data source's getRangeScopedVars)
        ("Top", "Events over range", "A", "sum(increase(pod_events_total[600s]))"),
        # 12 columns: 600000 ms / 900 points = 667 -> 500 ms, raised to the 1 s scrape;
        # $__rate_interval = max(1 + 1, 4 x 1) = 4 s
        ("Webhook (collapsed)", "Requests per op", "A",
         'sum by (allowed) (rate(webhook_requests_total{operation="CREATE"}[4s]))'),
        # $interval auto: 600 s / 30 = 20 s (above auto_min 10 s)
        ("Webhook (collapsed)", "Requests per op", "B", "sum(rate(webhook_requests_total[20s]))"),
        ("Webhook (collapsed)", "Requests per op", "C", "sum(rate(webhook_requests_total[1s]))"),
    ]  # fmt: skip
    assert planned.targets[2].instant is True  # type: ignore[attr-defined]
    assert [(u.title, u.datasource_type) for u in planned.unchecked] == [("Loki logs", "loki")]  # type: ignore[attr-defined]


def test_every_variable_kind_is_chosen() -> None:
    chosen = {v.name: (v.status, v.chosen) for v in _planned().variables}  # type: ignore[attr-defined]
    assert chosen["namespace"] == ("ok", ("$__all",))
    assert chosen["op"] == ("ok", ("CREATE",))
    assert chosen["job"] == ("ok", ("kube-devops-watch",))
