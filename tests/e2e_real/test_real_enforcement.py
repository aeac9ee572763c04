"""Enforcement on the real control plane: reconcile's patch makes kube-controller-manager roll out
a new ReplicaSet; the policy status and Events follow; nothing the user wrote is lost, not even
a probe someone else adds between our read of the workload and our patch; a patch the API's
admission keeps refusing is tried once per backoff step, with its reason in the status."""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from kube_devops.components.reconcile.cycle import PolicyReconciler
from kube_devops.components.reconcile.enforce import Enforcer
from kube_devops.components.reconcile.metrics import ReconcileMetrics
from kube_devops.core.bodies import DevOpsPolicy, JsonDict
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES
from kube_devops.core.policy import EnforcementMode, PolicySpec, ResourceDefaults, policy_object
from kube_devops.core.remediation_backoff import RejectionBook
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig, load_api_client
from kube_devops.kube.errors import KubeError
from kube_devops.kube.resources import DEPLOYMENTS, Resource
from tests.e2e_real.conftest import SparePlane
from tests.e2e_real.real_support import Kubectl, fresh_namespace, manifest
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e_real

LABELS = {"app.kubernetes.io/name": "shop"}
PATCHED_BY = "devops.stochastic.io/patched-by"


def policy(namespace: str) -> DevOpsPolicy:
    """Enforce probes and default resources (100m/500m CPU, 128Mi/256Mi memory)."""
    spec = PolicySpec(
        enforcement_mode=EnforcementMode.ENFORCE,
        require_liveness_probe=True,
        require_readiness_probe=True,
        default_resources=ResourceDefaults(
            cpu_request="100m", cpu_limit="500m", memory_request="128Mi", memory_limit="256Mi"
        ),
    )
    return policy_object("fixer", namespace, spec)


def deployment() -> dict[str, Any]:
    """No probes, one resource key set by the user (limits.memory 512Mi, which must stay)."""
    container = {
        "name": "app", "image": "nginx:1.27.0", "command": ["nginx", "-g", "daemon off;"],
        "env": [{"name": "MODE", "value": "shop"}],
        "ports": [{"name": "http", "containerPort": 8080}],
        "resources": {"limits": {"memory": "512Mi"}},
    }  # fmt: skip
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "shop", "labels": {**LABELS, "team": "payments"},
                     "annotations": {"owner": "payments@example.com"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": LABELS},
                 "template": {"metadata": {"labels": LABELS, "annotations": {"note": "mine"}},
                              "spec": {"containers": [container]}}},
    }  # fmt: skip


def user_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """What the user wrote, with what enforcement adds taken out."""
    spec = copy.deepcopy(obj["spec"])
    template = spec["template"]
    template["metadata"]["annotations"].pop(PATCHED_BY, None)
    for container in template["spec"]["containers"]:
        for added in ("livenessProbe", "readinessProbe"):
            container.pop(added, None)
        container["resources"] = {"limits": {"memory": container["resources"]["limits"]["memory"]}}
    meta = obj["metadata"]
    annotations = {k: v for k, v in meta["annotations"].items() if not k.startswith("deployment.")}
    return {"labels": meta["labels"], "annotations": annotations, "spec": spec}


def test_a_patched_deployment_rolls_out_a_new_replicaset(admin: Kubectl) -> None:
    with fresh_namespace(admin) as ns, PolicyRecorder(admin, ns) as recorder:
        admin.run("apply", "--server-side", "-n", ns, "-f", "-", stdin=manifest(deployment()))
        admin.run("rollout", "status", "-n", ns, "deployment/shop", "--timeout=60s")
        before = admin.json("get", "deployment", "shop", "-n", ns)
        admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(policy(ns)))

        def patched() -> dict[str, Any] | None:
            got: dict[str, Any] = admin.json("get", "deployment", "shop", "-n", ns)
            annotations = got["spec"]["template"]["metadata"].get("annotations") or {}
            return got if PATCHED_BY in annotations else None

        after = wait_until(patched, 60, "reconcile patched the Deployment", every=0.25)
        admin.run("rollout", "status", "-n", ns, "deployment/shop", "--timeout=90s")
        (container,) = after["spec"]["template"]["spec"]["containers"]
        assert container["livenessProbe"]["tcpSocket"] == {"port": 8080}
        assert container["readinessProbe"]["tcpSocket"] == {"port": 8080}
        assert container["resources"] == {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "512Mi"},
        }
        assert user_fields(after) == user_fields(before)
        assert after["metadata"]["generation"] == before["metadata"]["generation"] + 1

        replicasets = admin.json(
            "get", "replicasets", "-n", ns, "-l", "app.kubernetes.io/name=shop"
        )
        by_revision = sorted(
            replicasets["items"],
            key=lambda rs: int(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]),
        )
        assert len(by_revision) == 2
        old, new = by_revision
        assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 2)
        assert new["status"]["readyReplicas"] == 2
        new_container = new["spec"]["template"]["spec"]["containers"][0]
        assert new_container["readinessProbe"] == container["readinessProbe"]
        assert "readinessProbe" not in old["spec"]["template"]["spec"]["containers"][0]
        pods = admin.json("get", "pods", "-n", ns, "-l", "app.kubernetes.io/name=shop")["items"]
        owners = {p["metadata"]["ownerReferences"][0]["name"] for p in pods}
        assert owners == {new["metadata"]["name"]}

        final = wait_until(lambda: _settled(admin, ns), 30, "policy status: score 100", every=0.25)
        assert (final["violations"], final["remediationsApplied"]) == (0, 0)
        # Hand-computed first evaluation: 2 pods, each without liveness (3) and readiness (2)
        # probes: 10 // 2 = 5 -> score 95, 4 violations; it patched the Deployment once.
        statuses = [s for s in recorder.statuses() if "healthScore" in s]
        first = statuses[0]
        assert (first["healthScore"], first["violations"]) == (95, 4)
        assert first["remediationsApplied"] == 1
        assert first["remediatedWorkloads"] == [f"deployment/{ns}/shop"]
        events = admin.json("get", "events", "-n", ns, "--field-selector", "reason=Remediated")
        messages = [e["message"] for e in events["items"]]
        assert any(m.startswith(f"patched deployment/{ns}/shop (") for m in messages), messages
        assert events["items"][0]["involvedObject"]["name"] == "fixer"


class PolicyRecorder:
    """``kubectl get dop --watch`` in the background: every version of the namespace's
    policies; stopped on exit."""

    def __init__(self, kubectl: Kubectl, ns: str) -> None:
        argv = [str(kubectl.binary), "--kubeconfig", str(kubectl.kubeconfig), "get", "dop",
                "-n", ns, "--watch", "-o", "json"]  # fmt: skip
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )

    def __enter__(self) -> PolicyRecorder:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=10)

    def statuses(self) -> list[dict[str, Any]]:
        """Stop recording; the statuses seen, in order."""
        self.process.terminate()
        text, _ = self.process.communicate(timeout=10)
        decoder, found, at = json.JSONDecoder(), [], 0
        text = text.strip()
        while at < len(text):
            obj, end = decoder.raw_decode(text, at)
            found.append(obj.get("status") or {})
            at = len(text) - len(text[end:].lstrip())
        return found


def _settled(kubectl: Kubectl, ns: str) -> dict[str, Any] | None:
    status: dict[str, Any] = kubectl.json("get", "dop", "fixer", "-n", ns).get("status") or {}
    return status if status.get("healthScore") == 100 else None


THEIR_LIVENESS = {"httpGet": {"path": "/live", "port": 8080}, "periodSeconds": 3}


class InterleavingClient(KubeClient):
    """The adapter, with someone else's write slipped in right after our first read of the
    Deployment (``kubectl patch``, a separate client), and the answer to every patch of a
    Deployment recorded (None: applied)."""

    def __init__(self, api: Any, interleave: Callable[[], None] | None = None) -> None:
        super().__init__(api)
        self.interleave = interleave
        self.patch_errors: list[KubeError | None] = []

    async def get(self, resource: Resource, name: str, namespace: str | None = None) -> JsonDict:
        read = await super().get(resource, name, namespace)
        if resource == DEPLOYMENTS and self.interleave is not None:
            await asyncio.to_thread(self.interleave)
            self.interleave = None
        return read

    async def json_patch(
        self,
        resource: Resource,
        name: str,
        ops: Sequence[Mapping[str, Any]],
        *,
        namespace: str | None,
        field_manager: str,
    ) -> JsonDict:
        try:
            done = await super().json_patch(
                resource, name, ops, namespace=namespace, field_manager=field_manager
            )
        except KubeError as err:
            if resource == DEPLOYMENTS:
                self.patch_errors.append(err)
            raise
        if resource == DEPLOYMENTS:
            self.patch_errors.append(None)
        return done


async def test_a_probe_added_between_our_read_and_patch_survives(
    spare_plane: SparePlane, spare_admin: Kubectl
) -> None:
    with fresh_namespace(spare_admin) as ns:
        spare_admin.run("apply", "--server-side", "-n", ns, "-f", "-", stdin=manifest(deployment()))
        spare_admin.run("rollout", "status", "-n", ns, "deployment/shop", "--timeout=60s")
        # Paused, a template change starts no rollout: once kube-controller-manager has observed
        # their write, nothing else writes the Deployment until our patch.
        spare_admin.run("rollout", "pause", "-n", ns, "deployment/shop")
        spec = PolicySpec(enforcement_mode=EnforcementMode.ENFORCE, require_liveness_probe=True,
                          require_readiness_probe=True)  # fmt: skip
        spare_admin.run("apply", "-n", ns, "-f", "-",
                        stdin=manifest(policy_object("fixer", ns, spec)))  # fmt: skip
        theirs = [{"op": "add", "path": "/spec/template/spec/containers/0/livenessProbe",
                   "value": THEIR_LIVENESS}]  # fmt: skip

        def their_write() -> None:
            spare_admin.run("patch", "deployment", "shop", "-n", ns, "--type=json",
                            "-p", json.dumps(theirs))  # fmt: skip
            wait_until(lambda: _observed(spare_admin, ns), 30, "controller observed", every=0.1)

        config = ClusterConfig(str(spare_plane.info.admin_kubeconfig))
        client = InterleavingClient(load_api_client(config), their_write)
        registry = CollectorRegistry()
        metrics = ReconcileMetrics.build(registry)
        enforcer = Enforcer(client, metrics, "kube-devops-reconcile", "e2e")
        reconciler = PolicyReconciler(client, metrics, enforcer, "kube-devops-reconcile",
                                      DEFAULT_SYSTEM_NAMESPACES)  # fmt: skip
        try:
            await reconciler.reconcile(spare_admin.json("get", "dop", "fixer", "-n", ns))
        finally:
            await client.aclose()
        after = spare_admin.json("get", "deployment", "shop", "-n", ns)

    # The patch planned from the stale read was refused by the API server (its resourceVersion
    # guard failed against their write); the fresh plan added only the readiness probe.
    assert len(client.patch_errors) == 2, client.patch_errors  # one refused, one applied
    first, second = client.patch_errors
    assert first is not None
    assert first.status == 422
    assert "the server rejected our request due to an error in our request" in str(first)
    assert second is None
    (container,) = after["spec"]["template"]["spec"]["containers"]
    liveness = container["livenessProbe"]  # theirs, defaulted by the API server; not ours
    assert (liveness["httpGet"]["path"], liveness["periodSeconds"]) == ("/live", 3)
    assert "tcpSocket" not in liveness
    assert container["readinessProbe"]["tcpSocket"] == {"port": 8080}
    assert after["spec"]["template"]["metadata"]["annotations"][PATCHED_BY] == (
        "kube-devops-reconcile"
    )
    assert registry.get_sample_value("devopspolicy_remediations_applied_total") == 1
    assert registry.get_sample_value("devopspolicy_remediations_failed_total") == 0


def _observed(kubectl: Kubectl, ns: str) -> bool:
    got = kubectl.json("get", "deployment", "shop", "-n", ns)
    return bool(got["status"].get("observedGeneration") == got["metadata"]["generation"])


START = 1_800_000_000.0  # the fake clock's start: 2027-01-15T08:00:00Z
NO_READINESS = "readiness probes in this namespace are set by the platform team"


def refuse_readiness_probes(ns: str) -> list[dict[str, Any]]:
    """A ValidatingAdmissionPolicy (and its binding) refusing Deployments of ``ns`` that carry a
    readiness probe: the API's own permanent refusal of our patch."""
    name = f"no-readiness-{ns}"
    rules = [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["UPDATE"],
              "resources": ["deployments"]}]  # fmt: skip
    expression = "object.spec.template.spec.containers.all(c, !has(c.readinessProbe))"
    return [
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
         "metadata": {"name": name},
         "spec": {"failurePolicy": "Fail", "matchConstraints": {"resourceRules": rules},
                  "validations": [{"expression": expression, "message": NO_READINESS}]}},
        {"apiVersion": "admissionregistration.k8s.io/v1",
         "kind": "ValidatingAdmissionPolicyBinding", "metadata": {"name": name},
         "spec": {"policyName": name, "validationActions": ["Deny"],
                  "matchResources": {"namespaceSelector": {
                      "matchLabels": {"kubernetes.io/metadata.name": ns}}}}},
    ]  # fmt: skip


async def test_a_patch_admission_refuses_is_tried_once_per_backoff_step(
    spare_plane: SparePlane, spare_admin: Kubectl
) -> None:
    with fresh_namespace(spare_admin) as ns:
        admission = manifest(*refuse_readiness_probes(ns))
        spare_admin.run("apply", "-f", "-", stdin=admission)
        try:
            await _refused_cycles(spare_plane, spare_admin, ns)
        finally:
            spare_admin.run("delete", "-f", "-", stdin=admission, check=False)


async def _refused_cycles(spare_plane: SparePlane, spare_admin: Kubectl, ns: str) -> None:
    spare_admin.run("apply", "--server-side", "-n", ns, "-f", "-", stdin=manifest(deployment()))
    spare_admin.run("rollout", "status", "-n", ns, "deployment/shop", "--timeout=60s")
    probe = [{"op": "add", "path": "/spec/template/spec/containers/0/readinessProbe",
              "value": {"tcpSocket": {"port": 8080}}}]  # fmt: skip

    def admission_refuses() -> bool:
        tried = spare_admin.run("patch", "deployment", "shop", "-n", ns, "--dry-run=server",
                                "--type=json", "-p", json.dumps(probe), check=False)  # fmt: skip
        return tried.returncode != 0 and NO_READINESS in tried.stderr

    wait_until(admission_refuses, 30, "the admission policy in force", every=0.25)
    spec = PolicySpec(enforcement_mode=EnforcementMode.ENFORCE, require_readiness_probe=True)
    spare_admin.run("apply", "-n", ns, "-f", "-", stdin=manifest(policy_object("fixer", ns, spec)))

    clock = [START]
    client = InterleavingClient(
        load_api_client(ClusterConfig(str(spare_plane.info.admin_kubeconfig)))
    )
    registry = CollectorRegistry()
    metrics = ReconcileMetrics.build(registry)
    book = RejectionBook(base=1.0, maximum=60.0, jitter=lambda: 1.0)
    enforcer = Enforcer(client, metrics, "kube-devops-reconcile", "e2e", book)
    reconciler = PolicyReconciler(client, metrics, enforcer, "kube-devops-reconcile",
                                  DEFAULT_SYSTEM_NAMESPACES, clock=lambda: clock[0])  # fmt: skip
    try:
        while clock[0] <= START + 4.0:  # 9 cycles, one every half second of the fake clock
            await reconciler.reconcile(spare_admin.json("get", "dop", "fixer", "-n", ns))
            clock[0] += 0.5
    finally:
        await client.aclose()

    # Attempts at 0, 1 and 3 s (backoff 1, 2, then 4 s: the next one is due at 7 s).
    assert len(client.patch_errors) == 3
    for refused in client.patch_errors:
        assert refused is not None
        assert refused.status == 422
        assert NO_READINESS in str(refused)
    assert registry.get_sample_value("devopspolicy_remediations_failed_total") == 3
    events = spare_admin.json("get", "events", "-n", ns, "--field-selector",
                              "reason=RemediationFailed")["items"]  # fmt: skip
    assert len(events) == 3
    status = spare_admin.json("get", "dop", "fixer", "-n", ns)["status"]
    (failure,) = status["remediationFailures"]
    assert failure["workload"] == f"deployment/{ns}/shop"
    assert NO_READINESS in failure["message"]
    assert failure["message"].endswith("(attempt 3; next attempt at 2027-01-15T08:00:07Z)")
    after = spare_admin.json("get", "deployment", "shop", "-n", ns)
    assert "readinessProbe" not in after["spec"]["template"]["spec"]["containers"][0]
