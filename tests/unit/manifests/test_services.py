"""Services and ServiceMonitors: the seed's field tests, plus honorLabels, release and interval."""

from __future__ import annotations

import pytest

from kube_devops.core.catalog import Component
from kube_devops.manifests.render import load_all
from kube_devops.manifests.servicemonitors import ObservabilitySettings, service_monitor
from kube_devops.manifests.services import service
from tests.unit.manifests.manifest_helpers import KUBE_TESTS

_LABELS = {
    "watch": {"app.kubernetes.io/name": "kube-devops", "app.kubernetes.io/component": "watch"},
    "reconcile": {
        "app.kubernetes.io/name": "kube-devops",
        "app.kubernetes.io/component": "reconcile",
    },
    "webhook": {"app.kubernetes.io/name": "kube-devops", "app.kubernetes.io/component": "webhook"},
}


@pytest.mark.parametrize(
    ("component", "name", "port"),
    [
        (Component.WATCH, "kube-devops-watch", 8080),  # seed: test_service_watch_fields
        (Component.RECONCILE, "kube-devops-reconcile", 9090),  # test_service_reconcile_fields
        (Component.WEBHOOK, "kube-devops-webhook", 8443),  # test_service_webhook_fields
    ],
)
def test_service_fields(component: Component, name: str, port: int) -> None:
    svc = service(component)
    assert (svc["apiVersion"], svc["kind"]) == ("v1", "Service")
    assert svc["metadata"] == {
        "name": name,
        "namespace": "kube-devops",
        "labels": _LABELS[component.value],
    }
    assert svc["spec"]["selector"] == _LABELS[component.value]
    assert svc["spec"]["ports"] == [
        {"name": "metrics", "port": port, "targetPort": port, "protocol": "TCP"}
    ]
    assert "type" not in svc["spec"]  # ClusterIP by default


def test_service_namespace_follows_flag() -> None:
    assert service(Component.WATCH, "observability")["metadata"]["namespace"] == "observability"


def test_service_monitor_watch_fields() -> None:
    monitor = service_monitor(Component.WATCH, ObservabilitySettings())
    assert (monitor["apiVersion"], monitor["kind"]) == (
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
    )
    assert monitor["metadata"]["name"] == "kube-devops-watch"
    assert monitor["metadata"]["labels"] == {**_LABELS["watch"], "release": "stable"}
    assert monitor["spec"]["selector"] == {"matchLabels": _LABELS["watch"]}
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["kube-devops"]}
    assert monitor["spec"]["endpoints"] == [
        {
            "port": "metrics",
            "path": "/metrics",
            "interval": "15s",
            "honorLabels": True,
            "scheme": "http",
        }
    ]


def test_service_monitor_reconcile_uses_http() -> None:
    (endpoint,) = service_monitor(Component.RECONCILE, ObservabilitySettings())["spec"]["endpoints"]
    assert endpoint["scheme"] == "http"
    assert "tlsConfig" not in endpoint
    assert endpoint["honorLabels"] is True


def test_service_monitor_webhook_uses_https() -> None:
    (endpoint,) = service_monitor(Component.WEBHOOK, ObservabilitySettings())["spec"]["endpoints"]
    assert endpoint["scheme"] == "https"
    assert endpoint["tlsConfig"] == {"insecureSkipVerify": True}
    assert endpoint["port"] == "metrics"
    assert endpoint["honorLabels"] is True


def test_service_monitor_settings_are_applied() -> None:
    settings = ObservabilitySettings(namespace="mon", release_label="prom", interval="30s")
    monitor = service_monitor(Component.RECONCILE, settings)
    assert monitor["metadata"]["namespace"] == "mon"
    assert monitor["metadata"]["labels"]["release"] == "prom"
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["mon"]}
    assert monitor["spec"]["endpoints"][0]["interval"] == "30s"


@pytest.mark.parametrize("component", ["watch", "reconcile", "webhook"])
def test_all_services_parseable_yaml(component: str) -> None:
    (svc,) = load_all((KUBE_TESTS / f"service-{component}.yaml").read_text(encoding="utf-8"))
    assert svc["kind"] == "Service"
    assert svc["metadata"]["labels"] == _LABELS[component]


@pytest.mark.parametrize("component", ["watch", "reconcile", "webhook"])
def test_all_service_monitors_parseable_yaml(component: str) -> None:
    text = (KUBE_TESTS / f"servicemonitor-{component}.yaml").read_text(encoding="utf-8")
    (monitor,) = load_all(text)
    assert monitor["kind"] == "ServiceMonitor"
    assert monitor["spec"]["selector"]["matchLabels"] == _LABELS[component]
