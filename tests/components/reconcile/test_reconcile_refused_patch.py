"""A patch the API server keeps refusing is tried, reported and counted once per backoff step.

The reconciler runs in-process against the emulator on a fake clock, one cycle every half
second as pod events would trigger them. Every JSON patch to the Deployment is refused with the
422 kube-apiserver gives when an admission policy denies it; the refusal is made in the client,
because the emulator has no admission and kmock stores a write before a scripted reaction
answers it. The refusal backs off 1, 2, 4, 8, 16, 32 s (capped at 60, no jitter here), is
written to the policy's status, and a change of the policy's spec makes it try again at once.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import kmock
import pytest
from prometheus_client import CollectorRegistry

from kube_devops.components.reconcile.cycle import PolicyReconciler
from kube_devops.components.reconcile.enforce import Enforcer
from kube_devops.components.reconcile.metrics import ReconcileMetrics
from kube_devops.core.bodies import JsonDict
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES
from kube_devops.core.policy import EnforcementMode, PolicySpec, policy_object
from kube_devops.core.remediation_backoff import RejectionBook
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig, load_api_client
from kube_devops.kube.errors import error_from_status
from kube_devops.kube.resources import DEPLOYMENTS, Resource
from tests.components.reconcile.reconcile_support import POLICIES, Cluster
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import as_json

START = 1_800_000_000.0  # 2027-01-15T08:00:00Z
PATH = "/apis/apps/v1/namespaces/shop/deployments/web"
INVALID = (
    'Deployment.apps "web" is invalid: spec.template.spec.containers[0].livenessProbe: '
    "Forbidden: may not be set by this admission policy"
)
STATUS = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
          "message": INVALID, "reason": "Invalid", "details": {}, "code": 422}  # fmt: skip
REFUSED = f"PATCH {PATH}: {INVALID} (HTTP 422)"
APP = {"name": "app", "image": "shop/app:1.4.2", "ports": [{"containerPort": 8000}]}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class RefusingClient(KubeClient):
    """The adapter, with every JSON patch to a Deployment answered by the 422 above while
    ``refusing`` (the request is counted in ``refused`` and never sent)."""

    refusing = True
    refused = 0

    async def json_patch(
        self,
        resource: Resource,
        name: str,
        ops: Sequence[Mapping[str, Any]],
        *,
        namespace: str | None,
        field_manager: str,
    ) -> JsonDict:
        if self.refusing and resource == DEPLOYMENTS:
            self.refused += 1
            answer = json.dumps(STATUS)
            raise error_from_status(422, "Unprocessable Entity", answer, f"PATCH {PATH}")
        return await super().json_patch(
            resource, name, ops, namespace=namespace, field_manager=field_manager
        )


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [APP]}}},
    }  # fmt: skip


class Rig:
    """The reconciler of one enforce policy and what it did."""

    def __init__(self, cluster: Cluster, client: RefusingClient) -> None:
        self.cluster, self.clock, self.client = cluster, Clock(), client
        self.registry = CollectorRegistry()
        metrics = ReconcileMetrics.build(self.registry)
        book = RejectionBook(base=1.0, maximum=60.0, jitter=lambda: 1.0)
        enforcer = Enforcer(client, metrics, "kube-devops-reconcile", "test", book)
        self.reconciler = PolicyReconciler(
            client, metrics, enforcer, "kube-devops-reconcile", DEFAULT_SYSTEM_NAMESPACES,
            clock=self.clock,
        )  # fmt: skip

    async def cycles(self, until: float) -> None:
        """One cycle every 0.5 s of the fake clock, up to ``START + until`` inclusive."""
        while self.clock.now <= START + until:
            await self.reconciler.reconcile(self.cluster.policy("shop", "probes"))
            self.clock.now += 0.5

    def patches(self) -> int:
        """Patches of the Deployment attempted (refused ones and those sent)."""
        return self.client.refused + self.cluster.writes("deployments").count(("PATCH", PATH))

    def failed(self) -> float | None:
        return self.registry.get_sample_value("devopspolicy_remediations_failed_total")

    def refusal_events(self) -> list[str]:
        events = self.cluster.objects("v1/events", "shop")
        return [e["message"] for e in events if e["reason"] == "RemediationFailed"]


@pytest.fixture
async def rig(kube_emulator: KubeEmulator) -> AsyncIterator[Rig]:
    cluster = Cluster(kube_emulator)
    cluster.namespace("shop")
    cluster.deploy(deployment())
    spec = PolicySpec(require_liveness_probe=True, enforcement_mode=EnforcementMode.ENFORCE)
    cluster.seed(POLICIES, as_json(policy_object("probes", "shop", spec)))
    cluster.record_requests()
    client = RefusingClient(load_api_client(ClusterConfig(str(kube_emulator.kubeconfig))))
    try:
        yield Rig(cluster, client)
    finally:
        await client.aclose()


async def test_a_refused_patch_is_tried_once_per_backoff_step_with_the_reason_in_status(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "kube_devops.components.reconcile")
    await rig.cycles(until=40.0)  # 81 cycles in 40 s

    # Attempts at 0, 1, 3, 7, 15 and 31 s; the next is due at 31 + 32 = 63 s.
    assert rig.patches() == 6
    assert rig.failed() == 6
    logged = [r for r in caplog.records if r.getMessage() == "remediation failed"]
    assert len(logged) == 6
    assert len(rig.refusal_events()) == 6
    status = rig.cluster.policy("shop", "probes")["status"]
    assert status["remediationFailures"] == [
        {"workload": "deployment/shop/web",
         "message": f"{REFUSED} (attempt 6; next attempt at 2027-01-15T08:01:03Z)"}
    ]  # fmt: skip
    assert status["remediationsFailed"] == 1
    assert status["remediationsApplied"] == 0
    assert rig.cluster.get("apps/v1/deployments", "shop", "web")["spec"]["template"]["spec"][
        "containers"
    ] == [APP]


async def test_a_policy_spec_change_tries_the_refused_patch_at_once(
    rig: Rig, kube_emulator: KubeEmulator
) -> None:
    await rig.cycles(until=10.0)  # attempts at 0, 1, 3 and 7 s; the next due at 15 s
    assert rig.patches() == 4

    kube_emulator.custom.patch_namespaced_custom_object(
        "devops.stochastic.io", "v1", "shop", "devopspolicies", "probes",
        {"spec": {"defaultProbe": {"tcpPort": 8000}}},
    )  # fmt: skip
    rig.client.refusing = False  # the admission rule was lifted too
    await rig.cycles(until=11.0)  # 10.5 and 11 s: the new generation is tried at once

    assert rig.patches() == 5
    assert rig.failed() == 4
    assert rig.registry.get_sample_value("devopspolicy_remediations_applied_total") == 1
    status = rig.cluster.policy("shop", "probes")["status"]
    # The last cycle found nothing left to do: the failure and the patch are both gone (null).
    assert "remediationFailures" not in status
    assert (status["remediationsApplied"], status["remediationsFailed"]) == (0, 0)
    (app,) = rig.cluster.get("apps/v1/deployments", "shop", "web")["spec"]["template"]["spec"][
        "containers"
    ]
    assert app["livenessProbe"]["tcpSocket"] == {"port": 8000}


async def test_a_workload_that_keeps_changing_is_reported_and_tried_again_next_cycle(
    rig: Rig, kube_emulator: KubeEmulator
) -> None:
    rig.client.refusing = False
    key = (kmock.resource("apps/v1/deployments"), "shop", "web")
    reads: list[None] = []

    async def read_then_change(emu: Any) -> Any:
        # Every read is stale at once: someone relabels the Deployment right after it.
        current = copy.deepcopy(emu.objects[key].raw)
        changed = copy.deepcopy(current)
        reads.append(None)
        changed["metadata"].setdefault("labels", {})["reads"] = str(len(reads))
        await emu.modify("apps/v1/deployments", changed)
        return current

    kube_emulator.thread.call(lambda e: e["get", PATH] << (lambda: read_then_change(e)))
    await rig.cycles(until=0.5)  # two cycles, at 0 and 0.5 s

    assert rig.patches() == 6  # three per cycle; no backoff for a workload in motion
    assert rig.failed() == 2
    assert len(rig.refusal_events()) == 2
    failure = "the workload changed 3 times while it was being patched; the next cycle tries again"
    status = rig.cluster.policy("shop", "probes")["status"]
    assert status["remediationFailures"] == [
        {"workload": "deployment/shop/web", "message": failure}
    ]
