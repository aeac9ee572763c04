"""The real API server's CRD schema validation of DevOpsPolicies, and ``kube-devops check``
reading permissions from SelfSubjectAccessReview."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.real.kubeconfig import write_kubeconfig
from tests.e2e_real.real_support import Kubectl, fresh_namespace, manifest

pytestmark = pytest.mark.e2e_real


def policy(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "devops.stochastic.io/v1", "kind": "DevOpsPolicy",
            "metadata": {"name": "bad"}, "spec": spec}  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        (
            {"enforcementMode": "sometimes"},
            'spec.enforcementMode: Unsupported value: "sometimes": supported values: '
            '"audit", "enforce"',
        ),
        (
            {"maxRestartCount": -1},
            "spec.maxRestartCount: Invalid value: -1: spec.maxRestartCount in body should be "
            "greater than or equal to 0",
        ),
    ],
    ids=["enforcementMode-enum", "maxRestartCount-minimum"],
)
def test_an_invalid_policy_is_rejected_naming_the_field(
    admin: Kubectl, spec: dict[str, Any], error: str
) -> None:
    with fresh_namespace(admin) as ns:
        refused = admin.run(
            "create", "-n", ns, "-f", "-", stdin=manifest(policy(spec)), check=False
        )
        assert refused.returncode == 1
        assert 'The DevOpsPolicy "bad" is invalid' in refused.stderr
        assert error in refused.stderr
        absent = admin.run("get", "dop", "bad", "-n", ns, check=False)
        assert "NotFound" in absent.stderr


def check(kubeconfig: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "kube_devops", "check", "--kubeconfig", str(kubeconfig)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def test_check_reports_our_service_accounts_permissions(real_sandbox: Sandbox) -> None:
    assert real_sandbox.state is not None
    assert real_sandbox.state.components_kubeconfig is not None
    done = check(Path(real_sandbox.state.components_kubeconfig))
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert lines[2:] == [
        "  Cluster connection ................ OK (v1.37.2)",
        "  Identity .......................... OK (system:serviceaccount:kube-devops:kube-devops)",
        "  pods: list, watch ................. OK (all namespaces)",
        "  deployments, statefulsets, daemonsets: get, patch .. OK (all namespaces)",
        "  replicasets: get .................. OK (all namespaces)",
        "  devopspolicies: get, list, watch, patch .. OK (all namespaces)",
        "  devopspolicies/status: patch ...... OK (all namespaces)",
        "  events: create .................... OK (all namespaces)",
        "  leases: get, create, update ....... OK (in kube-devops)",
        "  DevOpsPolicy resources ............ OK",
        "All checks passed.",
    ]


def test_check_names_what_an_unprivileged_identity_lacks(admin: Kubectl) -> None:
    with fresh_namespace(admin) as ns:
        token = admin.run("create", "token", "default", "-n", ns).stdout.strip()
        cluster = yaml.safe_load(admin.kubeconfig.read_text())["clusters"][0]["cluster"]
        config = write_kubeconfig(
            Path(tempfile.mkdtemp(prefix="kube-devops-check-")) / "kubeconfig",
            cluster["server"], Path(cluster["certificate-authority"]),
            user=f"system:serviceaccount:{ns}:default", token=token,
        )  # fmt: skip
        done = check(config)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert (
        lines[3] == f"  Identity .......................... OK (system:serviceaccount:{ns}:default)"
    )
    assert lines[4] == (
        "  pods: list, watch ................. FAIL (all namespaces; denied: list pods, "
        "watch pods; grant it in the ClusterRole kube-devops)"
    )
    assert lines[10] == (
        "  leases: get, create, update ....... FAIL (in kube-devops; denied: get leases, "
        "create leases, update leases; grant it in the Role kube-devops-leader-election in "
        "kube-devops)"
    )
    assert lines[-1] == (
        "FAILED: pods: list, watch, deployments, statefulsets, daemonsets: get, patch, "
        "replicasets: get, devopspolicies: get, list, watch, patch, devopspolicies/status: "
        "patch, events: create, leases: get, create, update, DevOpsPolicy resources"
    )
