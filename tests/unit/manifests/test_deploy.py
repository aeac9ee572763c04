"""Deployments and PodDisruptionBudgets of the three components."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kube_devops.cli.main import build_parser
from kube_devops.core.catalog import Component
from kube_devops.manifests.deploy import DeploySettings, deployment, deployments
from kube_devops.manifests.services import service


def _container(component: Component) -> dict[str, Any]:
    spec = deployment(component, DeploySettings())["spec"]["template"]["spec"]
    containers: list[dict[str, Any]] = spec["containers"]
    (container,) = containers
    return container


@pytest.mark.parametrize(
    ("component", "args"),
    [
        (Component.WATCH, "watch --port 8080 --lease-namespace kube-devops"),
        (Component.RECONCILE, "reconcile --port 9090 --interval 30 --lease-namespace kube-devops"),
        (
            Component.WEBHOOK,
            "webhook serve --addr 0.0.0.0:8443 --tls-cert /tls/tls.crt --tls-key /tls/tls.key",
        ),
    ],
)
def test_component_arguments(component: Component, args: str) -> None:
    container = _container(component)
    assert container["command"] == ["kube-devops"]
    assert " ".join(container["args"]) == args


@pytest.mark.parametrize(
    ("component", "parsed"),
    [
        (Component.WATCH, {"port": 8080, "lease_namespace": "kube-devops", "host": "0.0.0.0"}),
        (Component.RECONCILE, {"port": 9090, "interval": 30.0, "lease_namespace": "kube-devops"}),
        (
            Component.WEBHOOK,
            {"addr": "0.0.0.0:8443", "tls_cert": Path("/tls/tls.crt"), "fail_closed": False},
        ),
    ],
)
def test_arguments_are_accepted_by_the_real_cli(
    component: Component, parsed: dict[str, Any]
) -> None:
    args = build_parser().parse_args(_container(component)["args"])
    assert {key: getattr(args, key) for key in parsed} == parsed


@pytest.mark.parametrize(
    ("component", "port", "scheme"),
    [
        (Component.WATCH, 8080, "HTTP"),
        (Component.RECONCILE, 9090, "HTTP"),
        (Component.WEBHOOK, 8443, "HTTPS"),
    ],
)
def test_probes_on_own_port(component: Component, port: int, scheme: str) -> None:
    container = _container(component)
    assert container["ports"] == [{"name": "metrics", "containerPort": port}]
    assert container["livenessProbe"]["httpGet"] == {
        "path": "/healthz", "port": "metrics", "scheme": scheme,
    }  # fmt: skip
    assert container["readinessProbe"]["httpGet"] == {
        "path": "/readyz", "port": "metrics", "scheme": scheme,
    }  # fmt: skip


@pytest.mark.parametrize("component", list(Component))
def test_locked_down_and_resourced(component: Component) -> None:
    obj = deployment(component, DeploySettings())
    pod = obj["spec"]["template"]["spec"]
    assert obj["spec"]["replicas"] == 2
    assert pod["serviceAccountName"] == "kube-devops"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    container = pod["containers"][0]
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert container["resources"]["requests"] == {"cpu": "50m", "memory": "96Mi"}
    assert container["resources"]["limits"] == {"cpu": "500m", "memory": "256Mi"}


@pytest.mark.parametrize("component", list(Component))
def test_service_selects_the_pods(component: Component) -> None:
    pod_labels = deployment(component, DeploySettings())["spec"]["template"]["metadata"]["labels"]
    selector = service(component)["spec"]["selector"]
    assert selector.items() <= pod_labels.items()


def test_webhook_mounts_its_tls_secret() -> None:
    pod = deployment(Component.WEBHOOK, DeploySettings())["spec"]["template"]["spec"]
    secret = {"secretName": "kube-devops-webhook-tls", "defaultMode": 0o440}
    assert {"name": "tls", "secret": secret} in pod["volumes"]
    assert {"name": "tls", "mountPath": "/tls", "readOnly": True} in pod["containers"][0][
        "volumeMounts"
    ]
    watch_pod = deployment(Component.WATCH, DeploySettings())["spec"]["template"]["spec"]
    assert [v["name"] for v in watch_pod["volumes"]] == ["tmp"]


def test_pod_disruption_budgets_and_settings() -> None:
    settings = DeploySettings(namespace="ops", image="registry:5000/kd:1.2", replicas=3)
    objects = deployments(settings)
    assert [o["kind"] for o in objects] == ["Deployment"] * 3 + ["PodDisruptionBudget"] * 3
    budget = objects[4]
    assert budget["metadata"]["name"] == "kube-devops-reconcile"
    assert budget["spec"] == {
        "minAvailable": 1,
        "selector": {
            "matchLabels": {
                "app.kubernetes.io/name": "kube-devops",
                "app.kubernetes.io/component": "reconcile",
            }
        },
    }
    assert objects[0]["spec"]["replicas"] == 3
    assert objects[0]["metadata"]["namespace"] == "ops"
    assert (
        objects[0]["spec"]["template"]["spec"]["containers"][0]["image"] == "registry:5000/kd:1.2"
    )
    assert objects[0]["spec"]["template"]["spec"]["containers"][0]["args"][-1] == "ops"
