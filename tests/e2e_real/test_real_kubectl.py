"""The pinned kubectl (same release as the server) against the real API: discovery, printer
columns and server-side apply of everything we generate."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.core.policy import PolicySpec, policy_object
from kube_devops.sandbox.processes import webhook_certificates
from kube_devops.sandbox.real.objects import CRD_DIR
from tests.e2e_real.conftest import SparePlane
from tests.e2e_real.real_support import Kubectl, fresh_namespace, manifest
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e_real

PROBE = {"tcpSocket": {"port": 80}, "periodSeconds": 10}


def rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def test_kubectl_is_the_servers_release(admin: Kubectl) -> None:
    version = admin.json("version")
    assert version["clientVersion"]["gitVersion"] == "v1.37.2"
    assert version["serverVersion"]["gitVersion"] == "v1.37.2"


def test_get_pods_all_namespaces_shows_the_simulated_sample_pods(admin: Kubectl) -> None:
    def table() -> dict[tuple[str, str], list[str]] | None:
        got = rows(admin.run("get", "pods", "-A").stdout)
        assert got[0] == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        by_name = {(r[0], r[1]): r for r in got[1:]}
        experiment = [r for (ns, name), r in by_name.items() if name.startswith("experiment-")]
        crashing = experiment and experiment[0][3] == "CrashLoopBackOff"
        return by_name if crashing else None

    pods = wait_until(table, 30, "dev/experiment crash-looping in kubectl get pods -A", every=0.25)
    assert pods[("production", "debug-shell")][2:4] == ["1/1", "Running"]
    assert pods[("staging", "frontend")][2:4] == ["1/1", "Running"]
    assert pods[("dev", "scratch")][2:5] == ["0/1", "Pending", "0"]
    web = [r for (ns, name), r in pods.items() if ns == "production" and name.startswith("web-")]
    assert [r[2:4] for r in web] == [["1/1", "Running"], ["1/1", "Running"]]


def test_get_dop_shows_mode_score_class_and_violations(admin: Kubectl) -> None:
    sample = rows(admin.run("get", "dop", "-A").stdout)
    assert sample[0] == ["NAMESPACE", "NAME", "MODE", "SCORE", "CLASS", "VIOLATIONS", "AGE"]
    modes = {(r[0], r[1]): r[2] for r in sample[1:]}
    assert modes[("production", "default-policy")] == "audit"
    assert modes[("staging", "enforce-policy")] == "enforce"
    # Hand-computed: one compliant pod (0) and one bare pod (latest 5 + liveness 3 +
    # readiness 2 = 10): 10 // 2 = 5 -> score 95, 3 violations, Healthy.
    spec = PolicySpec(  # audit, the default mode
        forbid_latest_tag=True, require_liveness_probe=True, require_readiness_probe=True
    )
    good = {"name": "app", "image": "nginx:1.27.0", "livenessProbe": PROBE,
            "readinessProbe": PROBE}  # fmt: skip
    pods = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
         "spec": {"containers": [container]}}
        for name, container in (("good", good), ("bare", {"name": "app", "image": "nginx"}))
    ]  # fmt: skip
    with fresh_namespace(admin) as ns:
        policy = policy_object("watchful", ns, spec)
        admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(policy, *pods))

        def scored() -> list[str] | None:
            got = rows(admin.run("get", "dop", "-n", ns).stdout)
            return got[1] if len(got) > 1 and got[1][2:5] == ["95", "Healthy", "3"] else None

        row = wait_until(
            scored, 40, "the policy's status: score 95, Healthy, 3 violations", every=0.25
        )
        assert row[:5] == ["watchful", "audit", "95", "Healthy", "3"]
        assert rows(admin.run("get", "devopspolicy", "-n", ns).stdout)[1][:5] == row[:5]


def test_server_side_apply_of_everything_generated(spare_plane: SparePlane) -> None:
    kubectl = spare_plane.kubectl
    kubectl.run("apply", "--server-side", "-f", str(CRD_DIR))
    for crd in ("servicemonitors", "prometheusrules"):
        kubectl.run("wait", "--for=condition=Established", f"crd/{crd}.monitoring.coreos.com")
    certs = webhook_certificates(Path(tempfile.mkdtemp(prefix="kube-devops-ca-")))
    ca = str(certs[0].with_name("ca.crt"))
    printed = _generated("deploy", "generate-all", "--ca-bundle-path", ca)
    printed += _generated("observability", "generate-all")
    docs = [d for d in yaml.safe_load_all(printed) if d]
    assert len(docs) == 22  # 14 from deploy generate-all, 8 from observability generate-all
    try:
        applied = kubectl.run("apply", "--server-side", "-f", "-", stdin=printed)
        assert len(applied.stdout.strip().splitlines()) == 22
        for doc in docs:
            stored = _get(kubectl, doc)
            managers = {(m["manager"], m["operation"]) for m in stored["metadata"]["managedFields"]}
            assert ("kubectl", "Apply") in managers, doc["metadata"]["name"]
    finally:
        kubectl.run("delete", "--wait=false", "-f", "-", stdin=_without_crds(docs), check=False)


def _generated(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kube_devops", *argv], capture_output=True, text=True, check=True
    )
    return done.stdout if done.stdout.startswith("---") else "---\n" + done.stdout


def _get(kubectl: Kubectl, doc: dict[str, Any]) -> Any:
    kind = f"{doc['kind'].lower()}.{doc['apiVersion'].split('/')[0]}"
    if "/" not in doc["apiVersion"]:
        kind = doc["kind"].lower()
    meta = doc["metadata"]
    where = ["-n", meta["namespace"]] if meta.get("namespace") else []
    return kubectl.json("get", kind, meta["name"], *where, "--show-managed-fields")


def _without_crds(docs: list[dict[str, Any]]) -> str:
    return manifest(*(d for d in docs if d["kind"] != "CustomResourceDefinition"))
