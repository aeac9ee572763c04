"""Real ``kubectl`` writes to the emulated API as it writes to a real one: client-side apply with
validation on (its default), server-side apply creating then merging, strategic merge patches that
keep what another writer added, namespaces, and the scale subresource."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kube_devops.cli.main import main
from tests.components.emulator.test_kubectl_get import cells
from tests.support.emulator import KubeEmulator
from tests.support.kubectl import Kubectl

Obj = dict[str, Any]
POLICIES = "devops.stochastic.io/v1/devopspolicies"

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: settings, namespace: shop}}
data: {data}
---
apiVersion: devops.stochastic.io/v1
kind: DevOpsPolicy
metadata: {{name: strict, namespace: shop}}
spec: {spec}
"""


@pytest.fixture
def kubectl(kube_emulator: KubeEmulator, tmp_path: Path) -> Kubectl:
    """kubectl on the test's emulator, with namespace ``shop``."""
    kube_emulator.thread.seed_namespace("shop")
    return Kubectl(kube_emulator.kubeconfig, tmp_path / "kubectl-cache")


def _one(kube: KubeEmulator, resource: str, name: str) -> Obj:
    found = [o for o in kube.thread.objects(resource, "shop") if o["metadata"]["name"] == name]
    assert len(found) == 1, f"{resource} {name}: {len(found)} objects"
    return found[0]


def test_client_side_apply_creates_updates_and_prunes_fields(
    kubectl: Kubectl, kube_emulator: KubeEmulator
) -> None:
    first = MANIFEST.format(data="{mode: fast}", spec="{enforcementMode: audit}")
    assert kubectl.ok("apply", "-f", "-", stdin=first) == (
        "configmap/settings created\ndevopspolicy.devops.stochastic.io/strict created\n"
    )
    second = MANIFEST.format(
        data="{mode: safe, level: '2'}", spec="{enforcementMode: enforce, forbidLatestTag: true}"
    )
    assert kubectl.ok("apply", "-f", "-", stdin=second) == (
        "configmap/settings configured\ndevopspolicy.devops.stochastic.io/strict configured\n"
    )
    assert _one(kube_emulator, "v1/configmaps", "settings")["data"] == {
        "mode": "safe",
        "level": "2",
    }
    policy = _one(kube_emulator, POLICIES, "strict")
    assert policy["spec"] == {"enforcementMode": "enforce", "forbidLatestTag": True}
    assert policy["metadata"]["generation"] == 2
    third = MANIFEST.format(data="{mode: safe}", spec="{enforcementMode: enforce}")
    kubectl.ok("apply", "-f", "-", stdin=third)  # fields dropped from the manifest go
    assert _one(kube_emulator, "v1/configmaps", "settings")["data"] == {"mode": "safe"}
    assert _one(kube_emulator, POLICIES, "strict")["spec"] == {"enforcementMode": "enforce"}
    unchanged = kubectl.ok("apply", "-f", "-", stdin=third)
    assert unchanged == (
        "configmap/settings unchanged\ndevopspolicy.devops.stochastic.io/strict unchanged\n"
    )


def test_server_side_apply_creates_then_merges_fields(
    kubectl: Kubectl, kube_emulator: KubeEmulator
) -> None:
    first = MANIFEST.format(data="{mode: fast}", spec="{enforcementMode: audit}")
    created = kubectl.run("apply", "--server-side", "-f", "-", "-v=6", stdin=first)
    assert created.returncode == 0, created.stderr
    assert created.stdout == (
        "configmap/settings serverside-applied\n"
        "devopspolicy.devops.stochastic.io/strict serverside-applied\n"
    )
    assert created.stderr.count("201 Created") == 2  # apply created both
    kube_emulator.core.patch_namespaced_config_map(
        "settings", "shop", {"metadata": {"labels": {"owner": "ops"}}}
    )
    second = MANIFEST.format(data="{mode: safe, level: '2'}", spec="{enforcementMode: enforce}")
    kubectl.ok("apply", "--server-side", "-f", "-", stdin=second)
    settings = _one(kube_emulator, "v1/configmaps", "settings")
    assert settings["data"] == {"mode": "safe", "level": "2"}
    assert settings["metadata"]["labels"] == {"owner": "ops"}  # another writer's field stays
    assert _one(kube_emulator, POLICIES, "strict")["spec"] == {"enforcementMode": "enforce"}


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - {{name: app, image: "{image}", ports: [{{containerPort: 80}}]}}
"""


def test_apply_keeps_what_another_writer_added_to_a_container(
    kubectl: Kubectl, kube_emulator: KubeEmulator
) -> None:
    kubectl.ok("apply", "-f", "-", stdin=DEPLOYMENT.format(image="nginx:1.25"))
    probe = {"tcpSocket": {"port": 80}}
    ops = [{"op": "add", "path": "/spec/template/spec/containers/0/readinessProbe", "value": probe}]
    kube_emulator.apps.patch_namespaced_deployment("web", "shop", ops)
    applied = kubectl.ok("apply", "-f", "-", stdin=DEPLOYMENT.format(image="nginx:1.26"))
    assert applied == "deployment.apps/web configured\n"
    container = _one(kube_emulator, "apps/v1/deployments", "web")["spec"]["template"]["spec"]
    assert container["containers"] == [
        {"name": "app", "image": "nginx:1.26", "ports": [{"containerPort": 80}],
         "readinessProbe": {"tcpSocket": {"port": 80}}}
    ]  # fmt: skip


def test_namespace_apply_and_scale(kubectl: Kubectl, kube_emulator: KubeEmulator) -> None:
    namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: extra}\n"
    assert kubectl.ok("apply", "-f", "-", stdin=namespace) == "namespace/extra created\n"
    assert kubectl.ok("get", "ns", "extra", "-o", "name") == "namespace/extra\n"
    typed = kubectl.run("create", "namespace", "other")  # kubectl sends this one as protobuf
    assert typed.returncode == 1
    assert "reads JSON bodies only: use kubectl apply -f or create -f" in typed.stderr
    kubectl.ok("apply", "-f", "-", stdin=DEPLOYMENT.format(image="nginx:1.25"))
    scaled = kubectl.ok("scale", "deployment/web", "-n", "shop", "--replicas=5")
    assert scaled == "deployment.apps/web scaled\n"
    assert _one(kube_emulator, "apps/v1/deployments", "web")["spec"]["replicas"] == 5
    assert (
        kubectl.ok("get", "deploy", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}") == "5"
    )


def test_server_side_apply_of_every_deployment_manifest(
    kubectl: Kubectl, kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deploy", "generate-all"]) == 0
    manifests = capsys.readouterr().out
    for _ in range(2):  # creates, then applies the same again
        applied = kubectl.ok("apply", "--server-side", "-f", "-", stdin=manifests).splitlines()
        assert len(applied) == 14
        assert all(line.endswith(" serverside-applied") for line in applied)
    kinds = kubectl.ok("get", "deploy,pdb,sa,role,rolebinding", "-n", "kube-devops", "-o", "name")
    assert sorted(kinds.split()) == [
        "deployment.apps/kube-devops-reconcile", "deployment.apps/kube-devops-watch",
        "deployment.apps/kube-devops-webhook",
        "poddisruptionbudget.policy/kube-devops-reconcile",
        "poddisruptionbudget.policy/kube-devops-watch",
        "poddisruptionbudget.policy/kube-devops-webhook",
        "role.rbac.authorization.k8s.io/kube-devops-leader-election",
        "rolebinding.rbac.authorization.k8s.io/kube-devops-leader-election",
        "serviceaccount/kube-devops",
    ]  # fmt: skip
    crd = kubectl.ok("get", "crd", "devopspolicies.devops.stochastic.io", "-o", "jsonpath="
                     "{.status.conditions[?(@.type=='Established')].status}")  # fmt: skip
    assert crd == "True"
    assert cells(kubectl.ok("get", "pdb", "-n", "kube-devops"))[0] == [
        "NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"
    ]  # fmt: skip


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
"""


def test_a_created_crd_serves_its_resource(kubectl: Kubectl) -> None:
    assert kubectl.run("get", "wd", "-n", "shop").returncode == 1  # not served yet
    kubectl.ok("apply", "-f", "-", stdin=CRD)
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: shop}\n"
    kubectl.ok("apply", "-f", "-", stdin=widget + "spec: {size: 3}\n")
    assert cells(kubectl.ok("get", "wd", "-n", "shop"))[1][:2] == ["w1", "3"]
    kubectl.ok("delete", "crd", "widgets.example.com")
    gone = kubectl.run("get", "widgets", "-n", "shop")
    assert gone.returncode == 1
    assert "the server could not find the requested resource" in gone.stderr


def test_server_dry_runs_and_diff_store_nothing(
    kubectl: Kubectl, kube_emulator: KubeEmulator
) -> None:
    first = MANIFEST.format(data="{mode: fast}", spec="{enforcementMode: audit}")
    dry = kubectl.ok("apply", "--dry-run=server", "-f", "-", stdin=first)
    assert dry == (
        "configmap/settings created (server dry run)\n"
        "devopspolicy.devops.stochastic.io/strict created (server dry run)\n"
    )
    assert kube_emulator.thread.objects("v1/configmaps", "shop") == []
    kubectl.ok("apply", "--server-side", "-f", "-", stdin=first)
    changed = MANIFEST.format(data="{mode: safe}", spec="{enforcementMode: audit}")
    diff = kubectl.run("diff", "--server-side", "-f", "-", stdin=changed)
    assert diff.returncode == 1, diff.stderr  # 1: there are differences
    assert "-  mode: fast\n+  mode: safe\n" in diff.stdout
    assert _one(kube_emulator, "v1/configmaps", "settings")["data"] == {"mode": "fast"}
    deleted = kubectl.ok("delete", "configmap", "settings", "-n", "shop", "--dry-run=server")
    assert deleted.startswith('configmap "settings" deleted')  # 1.37 adds "from shop namespace"
    assert deleted.endswith(" (server dry run)\n")
    assert _one(kube_emulator, "v1/configmaps", "settings")["data"] == {"mode": "fast"}


BAD_POLICY = """\
apiVersion: devops.stochastic.io/v1
kind: DevOpsPolicy
metadata: {{name: {name}, namespace: shop}}
spec: {spec}
"""


def test_the_crd_schema_rejects_prunes_and_defaults(
    kubectl: Kubectl, kube_emulator: KubeEmulator
) -> None:
    invalid = BAD_POLICY.format(name="bad", spec="{enforcementMode: loud, maxRestartCount: -1}")
    refused = kubectl.run("apply", "-f", "-", stdin=invalid)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        'The DevOpsPolicy "bad" is invalid: ',
        '* spec.enforcementMode: Unsupported value: "loud": supported values: "audit", "enforce"',
        "* spec.maxRestartCount: Invalid value: -1: spec.maxRestartCount in body should be "
        "greater than or equal to 0",
    ]
    unknown = BAD_POLICY.format(name="odd", spec="{colour: red}")
    strict = kubectl.run("apply", "-f", "-", stdin=unknown)  # kubectl asks for Strict
    assert strict.returncode == 1
    assert 'strict decoding error: unknown field "spec.colour"' in strict.stderr
    kubectl.ok("apply", "--validate=false", "-f", "-", stdin=unknown)
    assert _one(kube_emulator, POLICIES, "odd")["spec"] == {"enforcementMode": "audit"}
    stored = [o["metadata"]["name"] for o in kube_emulator.thread.objects(POLICIES, "shop")]
    assert stored == ["odd"]  # the invalid one was never stored


def test_server_side_reapply_removes_only_what_its_manager_dropped(
    kubectl: Kubectl, kube_emulator: KubeEmulator
) -> None:
    first = MANIFEST.format(data="{mode: fast, level: '1', debug: 'on'}", spec="{}")
    kubectl.ok("apply", "--server-side", "-f", "-", stdin=first)
    kubectl.ok("apply", "--server-side", "--field-manager=ops", "-f", "-", stdin=(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n"
        "data: {debug: 'on'}\n"
    ))  # fmt: skip
    kube_emulator.core.patch_namespaced_config_map("settings", "shop", {"data": {"level": "2"}})
    second = MANIFEST.format(data="{mode: fast}", spec="{}")
    kubectl.ok("apply", "--server-side", "-f", "-", stdin=second)
    # level: changed by another writer since, so no longer kubectl's; debug: also ops' field
    assert _one(kube_emulator, "v1/configmaps", "settings")["data"] == {
        "mode": "fast", "level": "2", "debug": "on"
    }  # fmt: skip
    kubectl.ok("apply", "--server-side", "-f", "-", stdin=MANIFEST.format(data="{}", spec="{}"))
    assert _one(kube_emulator, "v1/configmaps", "settings")["data"] == {
        "level": "2", "debug": "on"
    }  # fmt: skip


def test_server_side_reapply_drops_a_container(
    kubectl: Kubectl, kube_emulator: KubeEmulator
) -> None:
    two = DEPLOYMENT.format(image="nginx:1.25") + "      - {name: sidecar, image: envoy:1.30}\n"
    kubectl.ok("apply", "--server-side", "-f", "-", stdin=two)
    kubectl.ok("apply", "--server-side", "-f", "-", stdin=DEPLOYMENT.format(image="nginx:1.26"))
    spec = _one(kube_emulator, "apps/v1/deployments", "web")["spec"]["template"]["spec"]
    assert spec["containers"] == [
        {"name": "app", "image": "nginx:1.26", "ports": [{"containerPort": 80}]}
    ]
