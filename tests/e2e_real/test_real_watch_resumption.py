"""The watch controller on the real API server, resuming after kube-apiserver restarts and
relisting after a 410 Gone caused by etcd compaction: its scores equal a fresh recount (a watch
process started afterwards) and the hand-computed values.

Scores of the test namespace under the default policy (all five checks): a compliant pod counts
0, an untagged pod without probes 5 (latest) + 3 (liveness) + 2 (readiness) = 10; the namespace
score is 100 - (sum // pods).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e_real.conftest import SparePlane
from tests.e2e_real.real_support import Kubectl, fresh_namespace, manifest
from tests.support.processes import Component
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.e2e_real, pytest.mark.disrupts_api]

PROBE = {"tcpSocket": {"port": 80}}
SCORES = ("cluster_health_score", "namespace_health_score", "pods_tracked_total")


def pod(name: str, compliant: bool) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "nginx"}
    if compliant:
        container = {"name": "app", "image": "nginx:1.27.0", "livenessProbe": PROBE,
                     "readinessProbe": PROBE}  # fmt: skip
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [container]}}  # fmt: skip


def scores(component: Component) -> dict[tuple[str, str], float]:
    """The governance series of a watch process: (name, namespace label) -> value."""
    with urllib.request.urlopen(f"{component.url}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    found: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in SCORES:
                found[(sample.name, sample.labels.get("namespace", ""))] = sample.value
    return found


@contextmanager
def watch_process(kubeconfig: str) -> Iterator[Component]:
    """A single-replica watch process; stopped with SIGTERM (exit 0) on exit."""
    process = Component(["watch", "--host", "127.0.0.1", "--port", "0", "--no-leader-election",
                         "--kubeconfig", kubeconfig])  # fmt: skip
    try:
        yield process
        assert process.stop() == 0
    finally:
        process.close()
    assert process.process.poll() is not None


def namespace_score(component: Component, ns: str, expected: float) -> bool:
    return scores(component).get(("namespace_health_score", ns)) == expected


def equals_fresh_recount(resumed: Component, kubeconfig: str) -> dict[tuple[str, str], float]:
    """Wait until a newly started watch process reports exactly the resumed one's series."""
    with watch_process(kubeconfig) as fresh:
        return wait_until(
            lambda: (got := scores(fresh)) and got == scores(resumed) and got, 30,
            "the resumed watch's scores equal a fresh recount", every=0.25,
        )  # fmt: skip


def test_scores_survive_an_api_server_restart(spare_plane: SparePlane) -> None:
    kubectl, config = spare_plane.kubectl, str(spare_plane.info.admin_kubeconfig)
    with fresh_namespace(kubectl, "resume") as ns, watch_process(config) as resumed:
        apply(kubectl, ns, pod("good", True), pod("bare", False))
        wait_until(lambda: namespace_score(resumed, ns, 95), 30, "10 // 2 = 5 -> 95", every=0.25)
        spare_plane.plane.restart_apiserver()
        apply(kubectl, ns, pod("bare2", False))
        wait_until(
            lambda: namespace_score(resumed, ns, 94),
            30,
            "20 // 3 = 6 -> 94 after restart",
            every=0.25,
        )
        recount = equals_fresh_recount(resumed, config)
        assert recount[("namespace_health_score", ns)] == 94


def test_scores_survive_a_410_gone_after_etcd_compaction(spare_plane: SparePlane) -> None:
    kubectl, config = spare_plane.kubectl, str(spare_plane.info.admin_kubeconfig)
    with fresh_namespace(kubectl, "gone") as ns, watch_process(config) as resumed:
        apply(kubectl, ns, pod("good", True), pod("bare", False), pod("bare2", False))
        wait_until(lambda: namespace_score(resumed, ns, 94), 30, "20 // 3 = 6 -> 94", every=0.25)
        relists_before = len(resumed.logged("watch expired, relisting"))
        os.kill(resumed.process.pid, signal.SIGSTOP)  # a client cut off while the cluster moves
        try:
            kubectl.run("delete", "pod", "good", "-n", ns, "--timeout=30s")
            apply(kubectl, ns, pod("bare3", False))
            # kube-apiserver crashes (SIGKILL: no farewell bookmark); meanwhile etcd moves on
            # and is compacted past everything the paused client has seen; kube-apiserver
            # comes back with a watch cache that starts after the compaction
            spare_plane.plane.programs["kube-apiserver"].process.kill()
            etcd_put(spare_plane.info.etcd_url, "kube-devops-e2e/bump", "1")
            revision = spare_plane.plane.compact_etcd()
            spare_plane.plane.restart_apiserver()
        finally:
            os.kill(resumed.process.pid, signal.SIGCONT)
        assert revision > 0
        gone = wait_until(
            lambda: resumed.logged("watch expired, relisting")[relists_before:], 30,
            "the resumed watch got 410 Gone and relisted", every=0.25,
        )  # fmt: skip
        assert "too old resource version" in gone[0]["error"]
        wait_until(
            lambda: namespace_score(resumed, ns, 90), 30, "30 // 3 = 10 -> 90 after 410", every=0.25
        )
        recount = equals_fresh_recount(resumed, config)
        assert recount[("namespace_health_score", ns)] == 90


def etcd_put(etcd_url: str, key: str, value: str) -> None:
    """Write one key straight into etcd (JSON gateway): a new revision without the API server."""
    body = {"key": base64.b64encode(key.encode()).decode(),
            "value": base64.b64encode(value.encode()).decode()}  # fmt: skip
    request = urllib.request.Request(
        f"{etcd_url}/v3/kv/put", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


def apply(kubectl: Kubectl, ns: str, *pods: dict[str, Any]) -> None:
    kubectl.run("apply", "-n", ns, "-f", "-", stdin=manifest(*pods))
