"""The manifest sets the CLI prints and the reference files kept in ``kube-tests/``.

Pure: returns text; the CLI writes it (``kube-devops observability write-reference``) and a test
fails when a file in ``kube-tests/`` differs from what these functions produce.
"""

from __future__ import annotations

from kube_devops.core.catalog import Component
from kube_devops.manifests.alerts import prometheus_rule, rule_groups
from kube_devops.manifests.crd import devopspolicy_crd
from kube_devops.manifests.dashboard import dashboard_configmap
from kube_devops.manifests.deploy import DeploySettings, deployments
from kube_devops.manifests.labels import Manifest
from kube_devops.manifests.rbac import rbac
from kube_devops.manifests.render import to_multi_yaml, to_yaml
from kube_devops.manifests.servicemonitors import (
    ObservabilitySettings,
    service_monitor,
    service_monitors,
)
from kube_devops.manifests.services import service, services
from kube_devops.manifests.webhook_config import webhook_configuration

#: Stands in for the CA certificate in the reference webhook configuration. Replace it with the
#: ``ca.crt`` written by ``kube-devops webhook cert-generate`` (``deploy generate-all
#: --ca-bundle-path ca.crt``); until then the API server cannot verify the webhook and, with
#: ``failurePolicy: Ignore``, admits every pod.
PLACEHOLDER_CA_BUNDLE = b"REPLACE-ME: the ca.crt written by `kube-devops webhook cert-generate`\n"


def observability_all(settings: ObservabilitySettings) -> list[Manifest]:
    """Services, ServiceMonitors, the dashboard ConfigMap and the PrometheusRule, in that order."""
    return [
        *services(settings.namespace),
        *service_monitors(settings),
        dashboard_configmap(settings.namespace),
        prometheus_rule(settings),
    ]


def deploy_all(
    settings: DeploySettings, ca_bundle: bytes = PLACEHOLDER_CA_BUNDLE
) -> list[Manifest]:
    """The DevOpsPolicy CRD, Namespace and RBAC, Deployments and PodDisruptionBudgets, then the
    webhook configuration: everything ``kubectl apply -f -`` needs to run the components."""
    webhook = webhook_configuration(ca_bundle, namespace=settings.namespace)
    return [devopspolicy_crd(), *rbac(settings.namespace), *deployments(settings), webhook]


def reference_files(
    observability: ObservabilitySettings | None = None,
    deploy: DeploySettings | None = None,
) -> dict[str, str]:
    """File name -> text of every generated file in ``kube-tests/``, with default settings."""
    obs = observability or ObservabilitySettings()
    dep = deploy or DeploySettings()
    files: dict[str, str] = {}
    for component in Component:
        files[f"service-{component.value}.yaml"] = to_multi_yaml(
            [service(component, obs.namespace)]
        )
    for component in Component:
        files[f"servicemonitor-{component.value}.yaml"] = to_multi_yaml(
            [service_monitor(component, obs)]
        )
    files["grafana-dashboard-configmap.yaml"] = to_multi_yaml([dashboard_configmap(obs.namespace)])
    files["prometheusrule.yaml"] = to_multi_yaml([prometheus_rule(obs)])
    files["prometheus-rules.yaml"] = to_yaml(rule_groups())
    files["rbac.yaml"] = to_multi_yaml(rbac(dep.namespace))
    files["deployments.yaml"] = to_multi_yaml(deployments(dep))
    files["webhook-config.yaml"] = to_multi_yaml(
        [webhook_configuration(PLACEHOLDER_CA_BUNDLE, namespace=dep.namespace)]
    )
    return files
