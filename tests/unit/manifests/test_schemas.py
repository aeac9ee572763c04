"""Every generated object is valid by the schemas clusters use."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from tests.unit.manifests.manifest_helpers import validate_core_object, validate_operator_object

_OPERATOR_PLURALS = {"ServiceMonitor": "servicemonitors", "PrometheusRule": "prometheusrules"}


def test_every_generated_object_is_valid(
    observability: list[dict[str, Any]], deployment_set: list[dict[str, Any]]
) -> None:
    kinds = []
    for obj in observability + deployment_set:
        plural = _OPERATOR_PLURALS.get(obj["kind"])
        if plural is None:
            validate_core_object(obj)
        else:
            validate_operator_object(obj, plural)
        kinds.append(obj["kind"])
    assert sorted(set(kinds)) == [
        "ClusterRole", "ClusterRoleBinding", "ConfigMap", "CustomResourceDefinition", "Deployment",
        "Namespace",
        "PodDisruptionBudget", "PrometheusRule", "Role", "RoleBinding", "Service",
        "ServiceAccount", "ServiceMonitor", "ValidatingWebhookConfiguration",
    ]  # fmt: skip


def test_misspelt_servicemonitor_field_is_rejected(observability: list[dict[str, Any]]) -> None:
    monitor = copy.deepcopy(next(o for o in observability if o["kind"] == "ServiceMonitor"))
    monitor["spec"]["endpoints"][0]["honorlabels"] = True
    with pytest.raises(jsonschema.ValidationError, match="honorlabels"):
        validate_operator_object(monitor, "servicemonitors")


def test_bad_rule_duration_is_rejected(observability: list[dict[str, Any]]) -> None:
    rule = copy.deepcopy(next(o for o in observability if o["kind"] == "PrometheusRule"))
    rule["spec"]["groups"][0]["rules"][0]["for"] = "ten minutes"
    with pytest.raises(jsonschema.ValidationError):
        validate_operator_object(rule, "prometheusrules")


def test_misspelt_core_field_is_rejected(deployment_set: list[dict[str, Any]]) -> None:
    deployment = copy.deepcopy(next(o for o in deployment_set if o["kind"] == "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError, match="livenesProbe"):
        validate_core_object(deployment)
