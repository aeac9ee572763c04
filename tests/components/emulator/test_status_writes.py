"""Only the status subresource writes ``status`` for kinds that have one, as on a real server."""

from __future__ import annotations

from kube_devops.core.policy import PolicySpec, policy_object
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import as_json, json_object

ARGS = ("devops.stochastic.io", "v1", "default", "devopspolicies")


def test_object_writes_leave_status_and_status_writes_leave_spec(
    kube_emulator: KubeEmulator,
) -> None:
    custom = kube_emulator.custom
    policy = policy_object("p", "default", PolicySpec())  # spec: enforcementMode audit
    custom.create_namespaced_custom_object(*ARGS, as_json(policy))
    custom.patch_namespaced_custom_object_status(*ARGS, "p", {"status": {"healthScore": 90}})
    both = {"spec": {"enforcementMode": "enforce"}, "status": {"healthScore": 10}}
    patched = json_object(custom.patch_namespaced_custom_object(*ARGS, "p", both))
    assert patched["spec"] == {"enforcementMode": "enforce"}
    assert patched["status"] == {"healthScore": 90}
    status = json_object(
        custom.patch_namespaced_custom_object_status(
            *ARGS, "p", {"spec": {"enforcementMode": "audit"}, "status": {"healthScore": 95}}
        )
    )
    assert status["spec"] == {"enforcementMode": "enforce"}
    assert status["status"] == {"healthScore": 95}
