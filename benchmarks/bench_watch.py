"""Watch-controller state update: events per second and memory per tracked pod.

Pushes 100,000 synthetic pod watch events (ADDED, MODIFIED, DELETED over 50 namespaces, pods
with one or two containers and a mix of violations) through ``ClusterState.apply`` and prints
events/s (target >= 20,000). Then tracks 50,000 pods and measures the state's memory with
tracemalloc, printing bytes per tracked pod (target <= 1 KiB).

Run: ``python benchmarks/bench_watch.py``.
"""

from __future__ import annotations

import gc
import random
import time
import tracemalloc
from typing import Any

from kube_devops.components.watch.state import ClusterState

EVENTS = 100_000
TRACKED = 50_000
IMAGES = ("nginx:1.25", "nginx:latest", "redis", "registry.local:5000/app@sha256:" + "a" * 64)
PROBE = {"tcpSocket": {"port": 80}}


def make_pod(i: int, rng: random.Random) -> dict[str, Any]:
    containers = []
    for c in range(1 + i % 2):
        container: dict[str, Any] = {"name": f"c{c}", "image": rng.choice(IMAGES)}
        if rng.random() < 0.7:
            container["livenessProbe"] = PROBE
        if rng.random() < 0.7:
            container["readinessProbe"] = PROBE
        containers.append(container)
    restarts = rng.choice((0, 0, 0, 1, 4, 7))
    return {
        "metadata": {
            "name": f"pod-{i}",
            "namespace": f"ns-{i % 50}",
            "creationTimestamp": "2024-01-01T00:00:00Z",
            "resourceVersion": str(i),
        },
        "spec": {"containers": containers},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": c["name"], "restartCount": restarts} for c in containers
            ],
        },
    }


def events(rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    pool = [make_pod(i, rng) for i in range(20_000)]
    live: set[int] = set()
    stream: list[tuple[str, dict[str, Any]]] = []
    while len(stream) < EVENTS:
        i = rng.randrange(len(pool))
        if i not in live:
            live.add(i)
            stream.append(("ADDED", pool[i]))
        elif rng.random() < 0.7:
            stream.append(("MODIFIED", pool[i]))
        else:
            live.discard(i)
            stream.append(("DELETED", pool[i]))
    return stream


def throughput() -> float:
    stream = events(random.Random(1))
    state = ClusterState(clock=lambda: 1_700_000_000.0)
    # A full collection of the just-built stream would otherwise land in the timed loop or not,
    # depending on how many objects the imports allocated before (a 15% swing either way).
    gc.collect()
    began = time.perf_counter()
    for kind, pod in stream:
        state.apply(kind, pod)
    return len(stream) / (time.perf_counter() - began)


def memory_per_pod() -> float:
    rng = random.Random(2)
    pods = [make_pod(i, rng) for i in range(TRACKED)]
    gc.collect()
    tracemalloc.start()
    state = ClusterState(clock=lambda: 1_700_000_000.0)
    for pod in pods:
        state.apply("ADDED", pod)
    gc.collect()
    used, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(state.pods) == TRACKED, len(state.pods)
    return used / TRACKED


def main() -> None:
    rate = throughput()
    per_pod = memory_per_pod()
    print(f"events processed:      {EVENTS:,}")
    print(f"events per second:     {rate:,.0f}   (target >= 20,000)")
    print(f"pods tracked:          {TRACKED:,}")
    print(f"memory per pod:        {per_pod:,.0f} bytes   (target <= 1,024)")


if __name__ == "__main__":
    main()
