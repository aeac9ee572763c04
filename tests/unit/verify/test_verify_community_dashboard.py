"""A dashboard shaped like the ones shared on grafana.com: ``${DS_PROMETHEUS}`` data sources, an
open and a collapsed row, query/interval/custom/constant variables, ``$__range``, and a Loki
panel that is not PromQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from kube_devops.verify.client import PromClient
from kube_devops.verify.dashboard import load_dashboard
from kube_devops.verify.templating import TimeContext, substitute
from kube_devops.verify.variables import resolve_variables

DASHBOARD = Path(__file__).parent / "data" / "community_dashboard.json"


class _Prometheus:
    """Answers the one ``label_values(metric, label)`` variable query."""

    def series(self, match: str, start: float, end: float) -> list[dict[str, str]]:
        assert match == "namespace_health_score"
        return [{"namespace": "dev"}, {"namespace": "staging"}, {"namespace": "dev"}]


def test_targets_in_layout_order_and_the_loki_panel_left_out() -> None:
    dash = load_dashboard(DASHBOARD)
    assert [(t.row, t.title, t.ref_id) for t in dash.targets] == [
        ("Top", "Cluster score", "A"),
        ("Top", "NS score", "A"),
        ("Top", "Events over range", "A"),
        ("Webhook (collapsed)", "Requests per op", "A"),
        ("Webhook (collapsed)", "Requests per op", "B"),
        ("Webhook (collapsed)", "Requests per op", "C"),
    ]
    assert dash.targets[2].instant is True
    assert dash.panels_without_targets == ("Loki logs",)


def test_every_variable_kind_resolves_and_substitutes() -> None:
    dash = load_dashboard(DASHBOARD)
    # range 600 s, scrape 1 s: step = max(1, round(600 / 200)) = 3 s;
    # $__rate_interval = max(3 + 1, 4 x 1) = 4 s
    ctx = TimeContext(range_seconds=600, step_seconds=3, scrape_seconds=1)
    client = cast(PromClient, cast(Any, _Prometheus()))
    resolved, checks = resolve_variables(client, dash.variables, ctx, (0.0, 600.0))
    assert [(c.name, c.status, c.chosen) for c in checks] == [
        ("datasource", "skipped", ""),
        ("namespace", "ok", "All"),
        ("interval", "ok", "1m"),  # "auto" is not an option value: the first one is taken
        ("op", "ok", "CREATE"),
        ("job", "ok", "kube-devops-watch"),
    ]
    assert checks[1].values == ("dev", "staging")
    exprs = [substitute(t.expr, resolved, ctx) for t in dash.targets]
    assert exprs == [
        ('cluster_health_score{job="kube-devops-watch"}', ()),
        ('avg by (namespace) (namespace_health_score{namespace=~".*"})', ()),
        ("sum(increase(pod_events_total[10m]))", ()),
        ('sum by (allowed) (rate(webhook_requests_total{operation="CREATE"}[4s]))', ()),
        ("sum(rate(webhook_requests_total[1m]))", ()),
        ("sum(rate(webhook_requests_total[3s]))", ()),
    ]
