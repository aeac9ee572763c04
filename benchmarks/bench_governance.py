"""Governance engine throughput: evaluate 100,000 synthetic two-container pods.

Prints pods/s for ``evaluate_pod`` + ``summarize`` and, in the same process, a baseline that only
walks the same dicts (reads every field the evaluation reads), and the ratio of the two times.
Targets: >= 50,000 pods/s on one core, at most 4x the baseline's time.

    python benchmarks/bench_governance.py [--pods N] [--repeat R]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.scoring import summarize

NOW = 1_700_000_400.0
NAMESPACES = ("production", "staging", "dev", "team-a", "team-b", "kube-system")
IMAGES = (
    "nginx:1.27.0",
    "nginx",
    "registry.local:5000/team/app:1.2",
    "redis:LATEST",
    "envoy:v1.30",
)


def synthetic_pods(count: int) -> list[dict[str, Any]]:
    """``count`` pods, two containers each, with a realistic mix of violations."""
    pods = []
    for i in range(count):
        containers = []
        for j in range(2):
            c: dict[str, Any] = {"name": f"c{j}", "image": IMAGES[(i + j) % len(IMAGES)]}
            if (i + j) % 3:
                c["livenessProbe"] = {"tcpSocket": {"port": 8080}}
            if (i + j) % 4:
                c["readinessProbe"] = {"httpGet": {"path": "/ready", "port": 8080}}
            containers.append(c)
        phase = "Pending" if i % 50 == 0 else ("Succeeded" if i % 97 == 0 else "Running")
        pods.append(
            {
                "metadata": {
                    "name": f"pod-{i}",
                    "namespace": NAMESPACES[i % len(NAMESPACES)],
                    "creationTimestamp": "2023-11-14T22:13:20Z",
                },
                "spec": {"containers": containers},
                "status": {
                    "phase": phase,
                    "containerStatuses": [
                        {"name": "c0", "restartCount": i % 7},
                        {"name": "c1", "restartCount": 0},
                    ],
                },
            }
        )
    return pods


def walk(pods: list[dict[str, Any]]) -> int:
    """Baseline: touch every field the evaluation reads, do nothing with it."""
    seen = 0
    for pod in pods:
        meta = pod.get("metadata") or {}
        meta.get("namespace")
        meta.get("name")
        meta.get("creationTimestamp")
        status = pod.get("status") or {}
        status.get("phase")
        spec = pod.get("spec") or {}
        for c in spec.get("containers") or ():
            c.get("name")
            c.get("image")
            c.get("livenessProbe")
            c.get("readinessProbe")
        spec.get("initContainers")
        for cs in status.get("containerStatuses") or ():
            cs.get("restartCount")
        seen += 1
    return seen


def evaluate(pods: list[dict[str, Any]]) -> int:
    """The real work: evaluate every pod and pool the results."""
    summary = summarize(evaluate_pod(p, now=NOW) for p in pods)
    return summary.cluster.pods


def best_times(pods: list[dict[str, Any]], repeat: int) -> tuple[float, float]:
    """Fastest of ``repeat`` interleaved runs of (baseline, evaluation), in seconds."""
    runs: tuple[Callable[[list[dict[str, Any]]], int], ...] = (walk, evaluate)
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, func in enumerate(runs):
            start = time.perf_counter()
            func(pods)
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0], best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pods = synthetic_pods(args.pods)
    scored = evaluate(pods)
    base, real = best_times(pods, args.repeat)
    print(f"pods: {args.pods} (two containers each), scored: {scored}")
    print(f"evaluate+summarize: {real:.3f} s  {args.pods / real:,.0f} pods/s")
    print(f"baseline dict walk: {base:.3f} s  {args.pods / base:,.0f} pods/s")
    print(f"ratio: {real / base:.2f}x baseline (target <= 4x); target >= 50,000 pods/s")


if __name__ == "__main__":
    main()
