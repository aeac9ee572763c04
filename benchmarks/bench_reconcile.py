"""Reconcile duration: one DevOpsPolicy over a namespace of 5,000 pods, against the emulated API.

Runs the operator's real per-policy reconcile (list the namespace's pods over HTTP, evaluate,
build and write the status, set the gauges) ``--repeat`` times and prints p50/p95 of the whole
reconcile (including the list) and of the evaluation alone (``evaluate_pod`` over the listed
pods plus ``build_status``). Target: reconcile p50 <= 1 s.

    python benchmarks/bench_reconcile.py [--pods 5000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from kube_devops.components.reconcile.cycle import PolicyReconciler
from kube_devops.components.reconcile.enforce import Enforcer
from kube_devops.components.reconcile.metrics import ReconcileMetrics
from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, NO_SYSTEM_NAMESPACES
from kube_devops.core.policy import parse_policy
from kube_devops.core.policy_status import build_status
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.resources import DEVOPSPOLICIES, PODS
from kube_devops.sandbox.emulator import EmulatorThread

NAMESPACE = "bench"
POLICY: dict[str, Any] = {
    "apiVersion": "devops.stochastic.io/v1",
    "kind": "DevOpsPolicy",
    "metadata": {"name": "bench-policy", "namespace": NAMESPACE},
    "spec": {
        "forbidLatestTag": True,
        "requireLivenessProbe": True,
        "requireReadinessProbe": True,
        "maxRestartCount": 3,
        "forbidPendingDuration": 300,
        "enforcementMode": "audit",
    },
}


def pod(i: int) -> dict[str, Any]:
    """A two-container pod with a mix of violations."""
    containers = []
    for j in range(2):
        c: dict[str, Any] = {"name": f"c{j}", "image": ("nginx:1.27.0", "nginx")[(i + j) % 2]}
        if (i + j) % 3:
            c["livenessProbe"] = {"tcpSocket": {"port": 8080}}
        if (i + j) % 4:
            c["readinessProbe"] = {"tcpSocket": {"port": 8080}}
        containers.append(c)
    statuses = [{"name": "c0", "restartCount": i % 7}]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"pod-{i:05d}", "namespace": NAMESPACE},
        "spec": {"containers": containers},
        "status": {"phase": "Running", "containerStatuses": statuses},
    }


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def measure(kubeconfig: Path, repeat: int) -> tuple[list[float], list[float], int]:
    """Reconcile durations, evaluation-only durations, pods per list."""
    client = KubeClient.from_config(ClusterConfig(str(kubeconfig)))
    metrics = ReconcileMetrics.build(CollectorRegistry())
    enforcer = Enforcer(client, metrics, "bench", "bench")
    reconciler = PolicyReconciler(client, metrics, enforcer, "bench", DEFAULT_SYSTEM_NAMESPACES)
    obj = await client.get(DEVOPSPOLICIES, "bench-policy", NAMESPACE)
    policy = parse_policy(obj)
    full: list[float] = []
    evaluation: list[float] = []
    count = 0
    try:
        for _ in range(repeat):
            obj = await client.get(DEVOPSPOLICIES, "bench-policy", NAMESPACE)  # as the watch would
            started = time.perf_counter()
            await reconciler.reconcile(obj)
            full.append(time.perf_counter() - started)
            items = (await client.list_all(PODS, NAMESPACE))["items"]
            count = len(items)
            started = time.perf_counter()
            now = time.time()
            results = [
                evaluate_pod(p, policy.spec, now=now, namespaces=NO_SYSTEM_NAMESPACES)
                for p in items
            ]
            build_status(policy, results, now=now)
            evaluation.append(time.perf_counter() - started)
    finally:
        client.close()
    return full, evaluation, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with EmulatorThread() as thread, tempfile.TemporaryDirectory() as tmp:
        thread.seed_namespace(NAMESPACE)
        started = time.perf_counter()
        for i in range(args.pods):
            thread.seed("v1/pods", pod(i))
        thread.seed("devops.stochastic.io/v1/devopspolicies", POLICY)
        print(f"seeded {args.pods} pods in {time.perf_counter() - started:.1f} s")
        kubeconfig = thread.write_kubeconfig(Path(tmp) / "kubeconfig")
        full, evaluation, count = asyncio.run(measure(kubeconfig, args.repeat))
    print(f"pods per reconcile: {count}, reconciles: {len(full)}")
    print(
        f"reconcile (list + evaluate + status write): p50 {percentile(full, 0.5):.3f} s, "
        f"p95 {percentile(full, 0.95):.3f} s, mean {statistics.fmean(full):.3f} s"
    )
    print(
        f"evaluation only (evaluate_pod + build_status): p50 {percentile(evaluation, 0.5):.3f} s, "
        f"p95 {percentile(evaluation, 0.95):.3f} s"
    )
    verdict = "met" if percentile(full, 0.5) <= 1.0 else "NOT met"
    print(f"target reconcile p50 <= 1 s: {verdict}")


if __name__ == "__main__":
    main()
