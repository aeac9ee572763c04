"""Planning against a real Prometheus scraping itself: variable queries (``label_values`` with and
without a selector, ``query_result``, ``metrics``, ``label_names``), a regex with a capture group,
chained variables, and a final query that returns data."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from kube_devops.sandbox.free_ports import free_port
from kube_devops.sandbox.prometheus import PrometheusSettings, start_prometheus
from kube_devops.verify.client import PromClient
from kube_devops.verify.grafana import DashboardSource, PlanOptions, plan_dashboard
from kube_devops.verify.readiness import wait_for_samples


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = free_port()
    job = {"job_name": "prometheus", "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
    settings = PrometheusSettings(workdir=tmp_path_factory.mktemp("prom"), port=port)
    with start_prometheus([job], settings) as running:
        client = PromClient(running.url)
        wait_for_samples(client, "up", 3, timeout=20)
        client.close()
        yield running.url, port


VARIABLES = [
    {
        "name": "node",
        "type": "query",
        "query": 'label_values(up{job="$job"}, instance)',
        "regex": "/([^:]+):.*/",
    },
    {"name": "job", "type": "query", "query": "label_values(job)", "current": {"value": "gone"}},
    {
        "name": "port",
        "type": "query",
        "query": 'query_result(up{job="$job"})',
        "regex": '/instance="[^:]+:(?<value>\\d+)"/',
    },
    {"name": "metric", "type": "query", "query": "metrics(^prometheus_http_requests_total$)"},
    {"name": "label", "type": "query", "query": "label_names()", "regex": "/^(job)$/"},
]


def test_variables_and_final_query_against_prometheus(prometheus: tuple[str, int]) -> None:
    url, port = prometheus
    panel = {
        "type": "timeseries",
        "title": "Up of $node",
        "targets": [
            {
                "refId": "A",
                "expr": 'sum by ($label) (up{instance=~"$node:$port"}) and on() count($metric) > 0',
            }
        ],
    }
    raw = {"title": "Live", "panels": [panel], "templating": {"list": VARIABLES}}
    client = PromClient(url)
    try:
        options = PlanOptions(end=time.time(), range_seconds=300, scrape_seconds=1)
        plan = plan_dashboard(DashboardSource(raw, "live.json"), client, options)
        chosen = {v.name: (v.status, v.chosen) for v in plan.variables}
        assert chosen == {
            "node": ("ok", ("127.0.0.1",)),
            "job": ("ok", ("prometheus",)),  # the stale saved "gone" is not used
            "port": ("ok", (str(port),)),
            "metric": ("ok", ("prometheus_http_requests_total",)),
            "label": ("ok", ("job",)),
        }
        (target,) = plan.targets
        assert target.expr == (
            f'sum by (job) (up{{instance=~"127.0.0.1:{port}"}})'
            " and on() count(prometheus_http_requests_total) > 0"
        )
        assert target.title == "Up of 127.0.0.1"
        assert [s["metric"] for s in client.instant(target.expr).series] == [{"job": "prometheus"}]
    finally:
        client.close()


def test_empty_label_values_against_prometheus(prometheus: tuple[str, int]) -> None:
    url, _ = prometheus
    variables = [
        {
            "name": "x",
            "type": "query",
            "query": 'label_values(up{job="absent"}, instance)',
            "current": {"text": "old", "value": "old"},
        }
    ]
    panel = {"type": "stat", "title": "p", "targets": [{"refId": "A", "expr": 'up{instance="$x"}'}]}
    raw = {"title": "Live", "panels": [panel], "templating": {"list": variables}}
    client = PromClient(url)
    try:
        options = PlanOptions(end=time.time(), range_seconds=300, scrape_seconds=1)
        plan = plan_dashboard(DashboardSource(raw, "live.json"), client, options)
    finally:
        client.close()
    assert (plan.variables[0].status, plan.variables[0].chosen) == ("empty", ("",))
    assert plan.targets[0].expr == 'up{instance=""}'


def test_variable_query_rejected_by_prometheus_is_an_error_choice(
    prometheus: tuple[str, int],
) -> None:
    url, _ = prometheus
    variables = [{"name": "x", "type": "query", "query": "label_values(up{job=, instance)"}]
    panel = {"type": "stat", "title": "p", "targets": [{"refId": "A", "expr": "up"}]}
    raw = {"title": "Live", "panels": [panel], "templating": {"list": variables}}
    client = PromClient(url)
    try:
        options = PlanOptions(end=time.time(), range_seconds=300, scrape_seconds=1)
        plan = plan_dashboard(DashboardSource(raw, "live.json"), client, options)
    finally:
        client.close()
    (choice,) = plan.variables
    assert choice.status == "error"
    assert choice.detail.startswith(
        "variable query 'label_values(up{job=, instance)' failed: bad_data"
    )
