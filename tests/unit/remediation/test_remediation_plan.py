"""Remediation planning: the JSON patch for a workload, stated op by op."""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any, cast

import jsonpatch
import pytest

from kube_devops.core.bodies import Workload
from kube_devops.core.policy import EnforcementMode, PolicySpec, ProbeDefaults, ResourceDefaults
from kube_devops.core.remediation import enforcement_applies, plan_remediation
from kube_devops.core.remediation_model import Action, RemediationPlan, WorkloadRef
from kube_devops.core.remediation_patch import json_pointer_token

PROBES = PolicySpec(
    require_liveness_probe=True,
    require_readiness_probe=True,
    enforcement_mode=EnforcementMode.ENFORCE,
)
LIVENESS = {"tcpSocket": {"port": 8000}, "periodSeconds": 10, "initialDelaySeconds": 15,
            "failureThreshold": 6}  # fmt: skip
READINESS = {"tcpSocket": {"port": 8000}, "periodSeconds": 10, "initialDelaySeconds": 5}
ANNOTATION_OP = {
    "op": "add",
    "path": "/spec/template/metadata/annotations/devops.stochastic.io~1patched-by",
    "value": "kube-devops-reconcile",
}


def _plan(
    workload: dict[str, Any], spec: PolicySpec, *, containers: Collection[str] | None = None
) -> RemediationPlan:
    """``plan_remediation`` of a body as read from the API (typed as the adapter casts it)."""
    return plan_remediation(cast(Workload, workload), spec, containers=containers)


def deployment(*containers: dict[str, Any], annotations: Any = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"labels": {"app": "web"}}
    if annotations is not None:
        meta["annotations"] = annotations
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "41"},
        "spec": {"template": {"metadata": meta, "spec": {"containers": list(containers)}}},
    }


def test_two_containers_probe_only_where_a_port_is_known() -> None:
    app = {"name": "app", "image": "shop/app:1.2", "ports": [{"containerPort": 8000}]}
    worker = {"name": "worker", "image": "shop/worker:1.2"}
    plan = _plan(deployment(app, worker, annotations={"team": "a"}), PROBES)

    assert plan.workload == WorkloadRef("Deployment", "shop", "web")
    assert plan.workload.key == "deployment/shop/web"
    assert plan.actions == (Action("app", "livenessProbe"), Action("app", "readinessProbe"))
    assert [(s.container, s.check) for s in plan.not_remediable] == [
        ("worker", "missing_liveness"),
        ("worker", "missing_readiness"),
    ]
    assert "tcpPort" in plan.not_remediable[0].reason
    assert plan.patch == (
        {"op": "test", "path": "/metadata/resourceVersion", "value": "41"},
        {"op": "test", "path": "/spec/template/spec/containers/0/name", "value": "app"},
        {"op": "add", "path": "/spec/template/spec/containers/0/livenessProbe", "value": LIVENESS},
        {"op": "add", "path": "/spec/template/spec/containers/0/readinessProbe",
         "value": READINESS},
        ANNOTATION_OP,
    )  # fmt: skip


def test_containers_matched_by_name_not_index() -> None:
    sidecar = {"name": "proxy", "image": "mesh/proxy:2", "livenessProbe": {"exec": {}},
               "readinessProbe": {"exec": {}}}  # fmt: skip
    app = {"name": "app", "image": "shop/app:1", "ports": [{"containerPort": 8000}]}
    # The pod lists app first; in the template app sits at index 1.
    plan = _plan(deployment(sidecar, app), PROBES, containers=["app", "proxy"])

    assert plan.patch[1] == {
        "op": "test",
        "path": "/spec/template/spec/containers/1/name",
        "value": "app",
    }
    assert plan.patch[2]["path"] == "/spec/template/spec/containers/1/livenessProbe"


def test_pod_container_missing_from_template_is_reported_not_patched() -> None:
    app = {"name": "app", "image": "a:1", "livenessProbe": {"x": 1}, "readinessProbe": {"x": 1}}
    plan = _plan(deployment(app), PROBES, containers=["app", "istio-proxy"])

    assert plan.patch == ()
    assert plan.not_remediable[0].container == "istio-proxy"
    assert "not in the workload's pod template" in plan.not_remediable[0].reason


def test_policy_port_wins_and_delays_come_from_policy() -> None:
    spec = PolicySpec(
        require_readiness_probe=True,
        enforcement_mode=EnforcementMode.ENFORCE,
        default_probe=ProbeDefaults(tcp_port=9000, initial_delay_seconds=2, period_seconds=7),
    )
    app = {"name": "app", "image": "a:1", "ports": [{"containerPort": 8000}]}
    plan = _plan(deployment(app, annotations={}), spec)

    assert plan.patch[2] == {
        "op": "add",
        "path": "/spec/template/spec/containers/0/readinessProbe",
        "value": {"tcpSocket": {"port": 9000}, "periodSeconds": 7, "initialDelaySeconds": 2},
    }


def test_udp_port_is_not_used_for_a_tcp_probe() -> None:
    app = {"name": "dns", "image": "dns:1", "ports": [{"containerPort": 53, "protocol": "UDP"},
                                                        {"containerPort": 9153}]}  # fmt: skip
    plan = _plan(deployment(app), PROBES)

    assert plan.patch[2]["value"]["tcpSocket"] == {"port": 9153}


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (None, {"op": "add", "path": "/spec/template/metadata",
                "value": {"annotations": {"devops.stochastic.io/patched-by":
                                          "kube-devops-reconcile"}}}),
        ({"labels": {"app": "web"}},
         {"op": "add", "path": "/spec/template/metadata/annotations",
          "value": {"devops.stochastic.io/patched-by": "kube-devops-reconcile"}}),
        ({"annotations": {"a": "b"}}, ANNOTATION_OP),
    ],
)  # fmt: skip
def test_annotation_op_creates_what_is_missing(meta: Any, expected: dict[str, Any]) -> None:
    workload = deployment({"name": "app", "image": "a:1", "ports": [{"containerPort": 80}]})
    if meta is None:
        del workload["spec"]["template"]["metadata"]
    else:
        workload["spec"]["template"]["metadata"] = meta
    plan = _plan(workload, PROBES)

    assert plan.patch[-1] == expected


def test_json_pointer_escaping() -> None:
    token = json_pointer_token("devops.stochastic.io/patched-by")
    assert token == "devops.stochastic.io~1patched-by"
    assert json_pointer_token("a~b/c") == "a~0b~1c"


def test_repaired_workload_yields_no_plan_and_rest_is_unchanged() -> None:
    app = {"name": "app", "image": "shop/app:1.2", "ports": [{"containerPort": 8000}],
           "env": [{"name": "MODE", "value": "prod"}], "volumeMounts": [{"name": "d",
           "mountPath": "/d"}]}  # fmt: skip
    worker = {"name": "worker", "image": "shop/worker:1.2"}
    workload = deployment(app, worker)
    workload["spec"]["template"]["spec"]["volumes"] = [{"name": "d", "emptyDir": {}}]
    workload["spec"]["replicas"] = 3
    before = copy.deepcopy(workload)

    plan = _plan(workload, PROBES)
    after = jsonpatch.apply_patch(workload, list(plan.patch))

    assert workload == before  # planning does not mutate its input
    want = copy.deepcopy(before)
    want["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] = LIVENESS
    want["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = READINESS
    want["spec"]["template"]["metadata"]["annotations"] = {
        "devops.stochastic.io/patched-by": "kube-devops-reconcile"
    }
    assert after == want
    second = _plan(after, PROBES)
    assert second.patch == ()
    assert not second.needed


def test_reordered_containers_make_the_guarded_patch_fail() -> None:
    app = {"name": "app", "image": "a:1", "ports": [{"containerPort": 8000}]}
    worker = {"name": "worker", "image": "w:1"}
    plan = _plan(deployment(app, worker), PROBES)
    reordered = deployment(worker, app)

    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        jsonpatch.apply_patch(reordered, list(plan.patch))


def test_a_probe_added_since_the_read_makes_the_version_guard_fail() -> None:
    app = {"name": "app", "image": "a:1", "ports": [{"containerPort": 8000}]}
    plan = _plan(deployment(app), PROBES)
    theirs = {"httpGet": {"path": "/live", "port": 8000}}
    changed = deployment({**app, "livenessProbe": theirs})
    changed["metadata"]["resourceVersion"] = "42"  # what the API server stamps on their write

    assert plan.patch[0] == {"op": "test", "path": "/metadata/resourceVersion", "value": "41"}
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        jsonpatch.apply_patch(changed, list(plan.patch))


def test_a_workload_not_read_from_the_api_cannot_be_planned() -> None:
    workload = deployment({"name": "app", "image": "a:1", "ports": [{"containerPort": 80}]})
    del workload["metadata"]["resourceVersion"]

    with pytest.raises(ValueError, match=r"deployment/shop/web: no metadata.resourceVersion"):
        _plan(workload, PROBES)


def test_native_sidecar_is_matched_in_init_containers() -> None:
    workload = deployment({"name": "app", "image": "a:1", "livenessProbe": {"x": 1},
                           "readinessProbe": {"x": 1}})  # fmt: skip
    workload["spec"]["template"]["spec"]["initContainers"] = [
        {"name": "migrate", "image": "m:1"},
        {
            "name": "log",
            "image": "l:1",
            "restartPolicy": "Always",
            "ports": [{"containerPort": 24}],
        },
    ]
    plan = _plan(workload, PROBES, containers=["app", "log"])

    assert plan.patch[1] == {
        "op": "test",
        "path": "/spec/template/spec/initContainers/1/name",
        "value": "log",
    }
    assert plan.actions == (Action("log", "livenessProbe"), Action("log", "readinessProbe"))


def test_unsupported_kind_is_an_error_naming_the_object() -> None:
    job: dict[str, Any] = {
        "kind": "Job",
        "metadata": {"name": "once", "namespace": "shop"},
        "spec": {},
    }
    with pytest.raises(ValueError, match="Job/once"):
        _plan(job, PROBES)


@pytest.mark.parametrize(
    ("mode", "namespace", "expected"),
    [
        (EnforcementMode.ENFORCE, "shop", True),
        (EnforcementMode.AUDIT, "shop", False),
        (EnforcementMode.ENFORCE, "kube-system", False),
        (EnforcementMode.ENFORCE, "kube-devops", False),
        (EnforcementMode.ENFORCE, "monitoring", False),
        (EnforcementMode.ENFORCE, "linkerd-system", False),
    ],
)
def test_enforcement_applies(mode: EnforcementMode, namespace: str, expected: bool) -> None:
    assert enforcement_applies(PolicySpec(enforcement_mode=mode), namespace) is expected


def test_probes_not_required_means_no_probe_ops() -> None:
    spec = PolicySpec(forbid_latest_tag=True, enforcement_mode=EnforcementMode.ENFORCE)
    plan = _plan(deployment({"name": "app", "image": "a:latest"}), spec)

    assert plan.patch == ()
    assert plan.not_remediable == ()


def test_resources_only_when_default_resources_set() -> None:
    spec = PolicySpec(
        enforcement_mode=EnforcementMode.ENFORCE, default_resources=ResourceDefaults()
    )
    plan = _plan(deployment({"name": "app", "image": "a:1"}), spec)

    assert plan.patch[2] == {
        "op": "add",
        "path": "/spec/template/spec/containers/0/resources",
        "value": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
    }
    assert len(plan.actions) == 4
