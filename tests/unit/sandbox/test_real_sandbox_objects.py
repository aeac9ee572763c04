"""What the real sandbox applies: ``deploy generate-all`` with the webhook on loopback, and the
fault-injection admission policy that ``deploy generate-all`` never contains."""

from __future__ import annotations

import base64

from kube_devops.manifests.deploy import DeploySettings
from kube_devops.manifests.reference import deploy_all
from kube_devops.sandbox.real.objects import (
    FLAKY_POLICY_NAME,
    RESOURCES,
    flaky_writes_policy,
    kube_devops_objects,
)

CA = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_components_run_on_loopback_so_their_deployments_are_left_out() -> None:
    kinds = [o["kind"] for o in kube_devops_objects(CA, "https://127.0.0.1:8443")]
    assert kinds == [
        "CustomResourceDefinition", "Namespace", "ServiceAccount", "ClusterRole",
        "ClusterRoleBinding", "Role", "RoleBinding", "ValidatingWebhookConfiguration",
    ]  # fmt: skip


def test_webhook_calls_the_loopback_url_and_keeps_everything_else() -> None:
    objects = kube_devops_objects(CA, "https://127.0.0.1:4321/")
    (ours,) = [o for o in objects if o["kind"] == "ValidatingWebhookConfiguration"]
    (generated,) = [
        o for o in deploy_all(DeploySettings(), CA) if o["kind"] == "ValidatingWebhookConfiguration"
    ]
    (hook,) = ours["webhooks"]
    assert hook["clientConfig"] == {
        "url": "https://127.0.0.1:4321/validate",
        "caBundle": base64.b64encode(CA).decode(),
    }
    (original,) = generated["webhooks"]
    assert {k: v for k, v in hook.items() if k != "clientConfig"} == {
        k: v for k, v in original.items() if k != "clientConfig"
    }
    assert "service" in original["clientConfig"]  # the generated manifest itself is untouched


def test_flaky_policy_targets_our_account_and_is_not_part_of_deploy_generate_all() -> None:
    policy, binding = flaky_writes_policy()
    assert policy["spec"]["matchConditions"][0]["expression"] == (
        "request.userInfo.username == 'system:serviceaccount:kube-devops:kube-devops'"
    )
    assert binding["spec"] == {"policyName": FLAKY_POLICY_NAME, "validationActions": ["Deny"]}
    generated_kinds = {o["kind"] for o in deploy_all(DeploySettings(), CA)}
    assert "ValidatingAdmissionPolicy" not in generated_kinds
    assert RESOURCES["ValidatingAdmissionPolicy"].plural == "validatingadmissionpolicies"
