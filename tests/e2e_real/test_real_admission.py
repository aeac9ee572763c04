"""Admission through the real API server: kube-apiserver calls our webhook through our
ValidatingWebhookConfiguration and CA bundle; kubectl shows what the user sees."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from kube_devops.core.bodies import DevOpsPolicy
from kube_devops.core.policy import EnforcementMode, PolicySpec, policy_object
from kube_devops.manifests.webhook_config import webhook_configuration
from kube_devops.sandbox.processes import webhook_certificates
from kube_devops.sandbox.real.objects import on_loopback
from tests.e2e_real.conftest import SparePlane
from tests.e2e_real.real_support import Kubectl, fresh_namespace, manifest
from tests.support.processes import Component
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e_real

LATEST = (
    "container app: image 'nginx' is not pinned (no tag or tag 'latest'); pin a version tag or a "
    "digest"
)


def policy(name: str, mode: str, namespace: str) -> DevOpsPolicy:
    spec = PolicySpec(
        forbid_latest_tag=True,
        require_liveness_probe=True,
        require_readiness_probe=True,
        enforcement_mode=EnforcementMode(mode),
    )
    return policy_object(name, namespace, spec)


def bare_pod(name: str) -> dict[str, Any]:
    """Untagged image, no probes: latest_tag (high), missing_liveness (medium),
    missing_readiness (low)."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": "nginx"}]}}  # fmt: skip


def create(kubectl: Kubectl, ns: str, obj: dict[str, Any], *extra: str) -> Any:
    return kubectl.run("create", "-n", ns, "-f", "-", *extra, stdin=manifest(obj), check=False)


def test_enforce_namespace_refuses_a_pod_with_our_message(admin: Kubectl) -> None:
    with fresh_namespace(admin) as ns:
        admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(policy("strict", "enforce", ns)))
        # the webhook's policy cache is fed by a watch: wait until it knows the new policy
        wait_until(
            lambda: create(admin, ns, bare_pod("probe"), "--dry-run=server").returncode == 1,
            20, "the webhook denies in the enforce namespace", every=0.25,
        )  # fmt: skip
        refused = create(admin, ns, bare_pod("web"))
        assert refused.returncode == 1
        assert refused.stderr.splitlines()[-1] == (
            'Error from server (Forbidden): error when creating "STDIN": admission webhook '
            '"validate.devops.stochastic.io" denied the request: denied by DevOpsPolicy, '
            "1 violation(s): (1) container app, check latest_tag "
            f"[high, policy {ns}/strict]: {LATEST}"
        )
        head = f"Warning: DevOpsPolicy {ns}/strict (enforce):"
        assert [line for line in refused.stderr.splitlines() if line.startswith("Warning:")] == [
            f"{head} missing_liveness [medium] container app: no livenessProbe; add one",
            f"{head} missing_readiness [low] container app: no readinessProbe; add one",
        ]
        absent = admin.run("get", "pod", "web", "-n", ns, check=False)
        assert "NotFound" in absent.stderr


def test_audit_namespace_admits_and_kubectl_prints_our_warnings(admin: Kubectl) -> None:
    with fresh_namespace(admin) as ns:
        admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(policy("lenient", "audit", ns)))
        wait_until(
            lambda: "Warning:" in create(admin, ns, bare_pod("probe"), "--dry-run=server").stderr,
            20, "the webhook warns in the audit namespace", every=0.25,
        )  # fmt: skip
        admitted = create(admin, ns, bare_pod("web"))
        assert admitted.returncode == 0, admitted.stderr
        head = f"Warning: DevOpsPolicy {ns}/lenient (audit):"
        assert [line for line in admitted.stderr.splitlines() if line.startswith("Warning:")] == [
            f"{head} latest_tag [high] {LATEST}",
            f"{head} missing_liveness [medium] container app: no livenessProbe; add one",
            f"{head} missing_readiness [low] container app: no readinessProbe; add one",
        ]
        assert admin.json("get", "pod", "web", "-n", ns)["metadata"]["name"] == "web"


def test_with_the_webhook_stopped_failure_policy_ignore_admits(spare_plane: SparePlane) -> None:
    kubectl = spare_plane.kubectl
    workdir = Path(tempfile.mkdtemp(prefix="kube-devops-webhook-"))
    cert, key = webhook_certificates(workdir)
    webhook = Component([
        "webhook", "serve", "--addr", "127.0.0.1:0", "--tls-cert", str(cert),
        "--tls-key", str(key), "--kubeconfig", str(spare_plane.info.admin_kubeconfig),
    ])  # fmt: skip
    config = on_loopback(
        webhook_configuration(cert.with_name("ca.crt").read_bytes()),
        f"https://127.0.0.1:{webhook.port}",
    )
    config["metadata"]["name"] = "kube-devops-e2e-failure-policy"
    assert config["webhooks"][0]["failurePolicy"] == "Ignore"  # as generated
    try:
        with fresh_namespace(kubectl) as ns:
            kubectl.run("apply", "--server-side", "-f", "-", stdin=json.dumps(config))
            kubectl.run(
                "apply", "-n", ns, "-f", "-", stdin=manifest(policy("strict", "enforce", ns))
            )
            wait_until(
                lambda: create(kubectl, ns, bare_pod("probe"), "--dry-run=server").returncode
                == 1,
                20, "the webhook denies through the API server", every=0.25,
            )  # fmt: skip
            assert webhook.stop() == 0
            admitted = create(kubectl, ns, bare_pod("web"))
            assert admitted.returncode == 0, admitted.stderr
            stored = kubectl.json("get", "pod", "web", "-n", ns)
            assert stored["spec"]["containers"][0]["image"] == "nginx"
    finally:
        webhook.close()
        kubectl.run("delete", "validatingwebhookconfiguration", config["metadata"]["name"],
                    check=False)  # fmt: skip
    assert webhook.process.poll() is not None
