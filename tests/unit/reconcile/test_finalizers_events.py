"""Finalizer patches touch only our entry; remediation Events name the policy and the change."""

from __future__ import annotations

import jsonpatch
import pytest

from kube_devops.components.reconcile.events import remediation_event
from kube_devops.components.reconcile.finalizers import FINALIZER, add_ops, remove_ops
from kube_devops.core.policy import Policy, PolicySpec
from kube_devops.core.remediation_model import Action, RemediationPlan, WorkloadRef

FOREIGN = "example.com/backup"


def obj(finalizers: object = None, *, absent: bool = False) -> dict[str, object]:
    meta: dict[str, object] = {"name": "p", "namespace": "shop", "resourceVersion": "41"}
    if not absent:
        meta["finalizers"] = finalizers
    return {"metadata": meta}


def test_add_creates_the_list_guarded_by_resource_version() -> None:
    assert add_ops(obj(absent=True)) == [
        {"op": "test", "path": "/metadata/resourceVersion", "value": "41"},
        {"op": "add", "path": "/metadata/finalizers", "value": [FINALIZER]},
    ]


def test_add_appends_keeping_foreign_entries() -> None:
    ops = add_ops(obj([FOREIGN]))
    assert ops == [{"op": "add", "path": "/metadata/finalizers/-", "value": FINALIZER}]
    patched = jsonpatch.apply_patch(obj([FOREIGN]), ops)
    assert patched["metadata"]["finalizers"] == [FOREIGN, FINALIZER]


def test_add_is_a_no_op_when_present() -> None:
    assert add_ops(obj([FINALIZER])) is None


def test_remove_tests_the_entry_and_keeps_foreign_ones() -> None:
    ops = remove_ops(obj([FOREIGN, FINALIZER]))
    assert ops == [
        {"op": "test", "path": "/metadata/finalizers/1", "value": FINALIZER},
        {"op": "remove", "path": "/metadata/finalizers/1"},
    ]
    patched = jsonpatch.apply_patch(obj([FOREIGN, FINALIZER]), ops)
    assert patched["metadata"]["finalizers"] == [FOREIGN]
    # The list changed under us (our entry moved): the guard fails, nothing is removed.
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        jsonpatch.apply_patch(obj([FINALIZER, FOREIGN]), ops)
    assert remove_ops(obj([FOREIGN])) is None


def test_remediation_event() -> None:
    policy = Policy("shop", "probes", PolicySpec(), uid="u-1")
    plan = RemediationPlan(
        WorkloadRef("Deployment", "shop", "web"), (Action("app", "livenessProbe"),), (), ()
    )
    ok = remediation_event(policy, plan, error=None, now=1_700_000_000.0, instance="r-a")
    failed = remediation_event(policy, plan, error="422", now=1_700_000_000.0, instance="r-a")

    assert ok["involvedObject"] == {
        "apiVersion": "devops.stochastic.io/v1", "kind": "DevOpsPolicy", "name": "probes",
        "namespace": "shop", "uid": "u-1",
    }  # fmt: skip
    assert (ok["reason"], ok["type"]) == ("Remediated", "Normal")
    assert ok["message"] == "patched deployment/shop/web (app: livenessProbe)"
    assert ok["lastTimestamp"] == "2023-11-14T22:13:20Z"
    assert ok["metadata"]["namespace"] == "shop"
    assert ok["metadata"]["name"].startswith("probes.")
    assert (failed["reason"], failed["type"]) == ("RemediationFailed", "Warning")
    assert failed["message"] == "could not patch deployment/shop/web (app: livenessProbe): 422"
