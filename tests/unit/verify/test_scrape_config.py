"""ServiceMonitor -> Prometheus scrape jobs, rendered the way the Prometheus Operator does."""

from __future__ import annotations

from typing import Any

from kube_devops.core.catalog import Component
from kube_devops.manifests.servicemonitors import ObservabilitySettings, service_monitors
from kube_devops.manifests.services import services
from kube_devops.sandbox.scrape_config import scrape_configs, selector_matches


def _endpoints(name: str, port: int, pod: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name, "namespace": "kube-devops"},
        "subsets": [
            {
                "addresses": [{"ip": "127.0.0.1", "targetRef": {"kind": "Pod", "name": pod}}],
                "ports": [{"name": "metrics", "port": port, "protocol": "TCP"}],
            }
        ],
    }


ENDPOINTS = [
    _endpoints("kube-devops-watch", 18080, "kube-devops-watch-0"),
    _endpoints("kube-devops-reconcile", 19090, "kube-devops-reconcile-0"),
    _endpoints("kube-devops-webhook", 18443, "kube-devops-webhook-0"),
]


def _render(interval: str = "1s") -> list[dict[str, Any]]:
    monitors = service_monitors(ObservabilitySettings(interval=interval))
    return scrape_configs(monitors, services(), ENDPOINTS)


def test_one_job_per_monitor_endpoint_named_like_the_operator() -> None:
    assert [j["job_name"] for j in _render()] == [
        "serviceMonitor/kube-devops/kube-devops-watch/0",
        "serviceMonitor/kube-devops/kube-devops-reconcile/0",
        "serviceMonitor/kube-devops/kube-devops-webhook/0",
    ]


def test_webhook_job_is_https_without_verification_and_honours_labels() -> None:
    webhook = _render()[2]
    assert webhook == {
        "job_name": "serviceMonitor/kube-devops/kube-devops-webhook/0",
        "honor_labels": True,
        "metrics_path": "/metrics",
        "scheme": "https",
        "scrape_interval": "1s",
        "scrape_timeout": "1s",
        "tls_config": {"insecure_skip_verify": True},
        "static_configs": [
            {
                "targets": ["127.0.0.1:18443"],
                "labels": {
                    "job": "kube-devops-webhook",
                    "namespace": "kube-devops",
                    "service": "kube-devops-webhook",
                    "endpoint": "metrics",
                    "pod": "kube-devops-webhook-0",
                },
            }
        ],
    }


def test_watch_job_is_plain_http_on_its_own_endpoint() -> None:
    watch = _render()[0]
    assert (watch["scheme"], "tls_config" in watch) == ("http", False)
    assert watch["static_configs"][0]["targets"] == ["127.0.0.1:18080"]


def test_interval_comes_from_the_monitor_unless_overridden() -> None:
    monitors = service_monitors(ObservabilitySettings(interval="15s"))
    assert scrape_configs(monitors, services(), ENDPOINTS)[1]["scrape_interval"] == "15s"
    overridden = scrape_configs(monitors, services(), ENDPOINTS, interval_override="2s")
    assert (overridden[1]["scrape_interval"], overridden[1]["scrape_timeout"]) == ("2s", "2s")


def test_services_outside_the_namespace_selector_are_not_scraped() -> None:
    monitors = service_monitors(ObservabilitySettings())
    elsewhere = services(namespace="other")
    jobs = scrape_configs(monitors, elsewhere, ENDPOINTS)
    assert [j["static_configs"] for j in jobs] == [[], [], []]


def test_port_name_must_match() -> None:
    renamed = [_endpoints("kube-devops-watch", 18080, "p")]
    renamed[0]["subsets"][0]["ports"][0]["name"] = "http"
    monitor = service_monitors(ObservabilitySettings())[0]
    assert scrape_configs([monitor], services(), renamed)[0]["static_configs"] == []


def test_job_label_takes_the_service_label_when_set() -> None:
    monitor = service_monitors(ObservabilitySettings())[0]
    monitor["spec"]["jobLabel"] = "app.kubernetes.io/component"
    job = scrape_configs([monitor], services(), ENDPOINTS)[0]
    assert job["static_configs"][0]["labels"]["job"] == Component.WATCH.value


def test_selector_match_expressions() -> None:
    labels = {"app": "a", "tier": "web"}
    assert selector_matches(
        {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "db"]}]}, labels
    )
    assert not selector_matches(
        {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}, labels
    )
    assert not selector_matches({"matchExpressions": [{"key": "x", "operator": "Exists"}]}, labels)
    assert selector_matches(
        {"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}, labels
    )
    assert not selector_matches({"matchLabels": {"app": "b"}}, labels)
