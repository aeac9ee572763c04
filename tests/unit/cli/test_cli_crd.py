"""The DevOpsPolicy CRD: content, kubernetes-validate, and policies checked against its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from kube_devops.cli.main import main
from kube_devops.core.bundles import BUNDLES, bundle_policy
from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.policy import parse_policy, policy_object
from kube_devops.core.policy_evaluation import RemediationSummary
from kube_devops.core.policy_status import build_status
from kube_devops.manifests.crd import devopspolicy_crd

HERE = Path(__file__).parent
SAMPLES = HERE.parents[2] / "kube-tests"
INVALID: list[dict[str, Any]] = yaml.safe_load((HERE / "invalid_policies.yaml").read_text())


def _json_schema(node: Any) -> Any:
    """OpenAPI v3 -> JSON Schema: ``nullable: true`` becomes a ``null`` type alternative."""
    if isinstance(node, dict):
        out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable"):
            out["type"] = [node["type"], "null"]
        return out
    if isinstance(node, list):
        return [_json_schema(v) for v in node]
    return node


def _validator() -> jsonschema.Draft7Validator:
    schema = devopspolicy_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return jsonschema.Draft7Validator(_json_schema(schema))


def test_crd_identity() -> None:
    crd = devopspolicy_crd()
    assert crd["metadata"]["name"] == "devopspolicies.devops.stochastic.io"
    spec = crd["spec"]
    assert (spec["group"], spec["scope"]) == ("devops.stochastic.io", "Namespaced")
    assert spec["names"]["kind"] == "DevOpsPolicy"
    assert spec["names"]["plural"] == "devopspolicies"
    assert spec["names"]["shortNames"] == ["dop"]
    (version,) = spec["versions"]
    assert (version["name"], version["served"], version["storage"]) == ("v1", True, True)
    assert version["subresources"] == {"status": {}}
    columns = [(c["name"], c["jsonPath"]) for c in version["additionalPrinterColumns"]]
    assert columns == [
        ("Mode", ".spec.enforcementMode"),
        ("Score", ".status.healthScore"),
        ("Class", ".status.classification"),
        ("Violations", ".status.violations"),
        ("Age", ".metadata.creationTimestamp"),
    ]


def test_crd_schema_enums_and_minimums() -> None:
    schema = devopspolicy_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    spec = schema["properties"]["spec"]["properties"]
    assert spec["enforcementMode"]["enum"] == ["audit", "enforce"]
    assert spec["maxRestartCount"]["minimum"] == 0
    assert spec["forbidPendingDuration"]["minimum"] == 0
    assert (spec["defaultProbe"]["properties"]["tcpPort"]["minimum"], 65535) == (
        1,
        spec["defaultProbe"]["properties"]["tcpPort"]["maximum"],
    )
    overrides = spec["severityOverrides"]["properties"]
    assert sorted(overrides) == sorted(
        ["latestTag", "missingLiveness", "missingReadiness", "highRestarts", "pending"]
    )
    assert {tuple(o["enum"]) for o in overrides.values()} == {("critical", "high", "medium", "low")}


def _untyped_nodes(node: dict[str, Any], path: str) -> list[str]:
    missing = [] if "type" in node else [path]
    for key, child in (node.get("properties") or {}).items():
        missing += _untyped_nodes(child, f"{path}.{key}")
    if "items" in node:
        missing += _untyped_nodes(node["items"], f"{path}[]")
    return missing


def test_crd_schema_is_structural() -> None:
    schema = devopspolicy_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    assert _untyped_nodes(schema, "") == []


def test_crd_passes_kubernetes_validate() -> None:
    assert kubernetes_validate.validate(devopspolicy_crd(), "1.30.0", strict=True) == "1.30"


def test_crd_with_a_foreign_field_fails_kubernetes_validate() -> None:
    crd = devopspolicy_crd()
    crd["spec"]["versions"][0]["served"] = "yes"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(crd, "1.30.0", strict=True)


def test_sample_policies_validate_against_the_schema() -> None:
    docs = list(yaml.safe_load_all((SAMPLES / "sample-devopspolicy.yaml").read_text()))
    assert [(d["metadata"]["namespace"], d["spec"]["enforcementMode"]) for d in docs] == [
        ("production", "audit"),
        ("staging", "enforce"),
    ]
    validator = _validator()
    for doc in docs:
        assert list(validator.iter_errors(doc)) == []
        parse_policy(doc)


@pytest.mark.parametrize("name", list(BUNDLES))
def test_bundles_validate_against_the_schema(name: str) -> None:
    doc = bundle_policy(name, namespace="default", policy_name="devops-policy")
    assert list(_validator().iter_errors(doc)) == []


@pytest.mark.parametrize("case", INVALID, ids=[c["name"] for c in INVALID])
def test_invalid_policies_are_rejected(case: dict[str, Any]) -> None:
    errors = list(_validator().iter_errors(case["doc"]))
    assert [list(e.absolute_path) for e in errors] == [case["path"]]


def test_operator_status_validates_against_the_status_schema() -> None:
    doc = yaml.safe_load_all((SAMPLES / "sample-devopspolicy.yaml").read_text())
    policy = parse_policy(next(iter(doc)))
    pods: list[dict[str, Any]] = [
        {
            "metadata": {"name": "a", "namespace": "production"},
            "spec": {},
            "status": {"phase": "Pending"},
        },
        {
            "metadata": {"name": "b", "namespace": "production"},
            "spec": {"containers": [{"name": "c"}]},
        },
    ]
    results = [evaluate_pod(p, policy.spec, now=0) for p in pods]
    for remediation in (None, RemediationSummary(applied=("deployment/production/b",))):
        status = build_status(policy, results, now=1_700_000_000, remediation=remediation)
        obj = {**policy_object("p", "production", policy.spec), "status": status}
        assert list(_validator().iter_errors(obj)) == []


def test_crd_generate_prints_the_crd(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crd", "generate"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == devopspolicy_crd()
