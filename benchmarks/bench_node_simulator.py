"""The node simulator on a real control plane: start-up, and pods from creation to Ready.

Starts a bare control plane (etcd, kube-apiserver, kube-controller-manager), then the node
simulator, and prints the seconds until its Nodes were Ready and untainted; then creates
``--pods`` pods (default 100) in one namespace and prints the seconds until every one was bound,
running and Ready (pods/s), and the same for a Deployment of ``--replicas`` (default 50) rolled
out by kube-controller-manager.

Needs the control plane built: ``bash scripts/build-control-plane.sh``.
Run: ``python benchmarks/bench_node_simulator.py [--pods N] [--replicas N]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from kube_devops.sandbox.real.controlplane import ControlPlaneSettings, RealControlPlane
from kube_devops.sandbox.real.nodes import NodeSimulator, NodeSimulatorSettings


def kubectl(binary: Path, kubeconfig: Path, *args: str, stdin: str | None = None) -> str:
    argv = [str(binary), "--kubeconfig", str(kubeconfig), *args]
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, check=True).stdout


def pods(count: int) -> str:
    items = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p-{i}", "namespace": "bench"},
         "spec": {"containers": [{"name": "app", "image": "nginx:1.27.0"}]}}
        for i in range(count)
    ]  # fmt: skip
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


def deployment(replicas: int) -> str:
    labels = {"app": "bench"}
    spec: dict[str, Any] = {
        "replicas": replicas, "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels},
                     "spec": {"containers": [{"name": "app", "image": "nginx:1.27.0"}]}},
    }  # fmt: skip
    body = {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "bench", "namespace": "bench"}, "spec": spec}  # fmt: skip
    return json.dumps(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=50)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kube-devops-bench-nodes-"))
    try:
        with RealControlPlane(ControlPlaneSettings(workdir)) as plane:
            run = functools.partial(kubectl, plane.binaries.kubectl, plane.admin_kubeconfig)
            began = time.perf_counter()
            with NodeSimulator(NodeSimulatorSettings(plane.admin_kubeconfig)):
                print(f"nodes Ready and untainted after {time.perf_counter() - began:.2f} s")
                run("create", "namespace", "bench")
                run("wait", "--for=create", "serviceaccount/default", "-n", "bench")
                began = time.perf_counter()
                run("apply", "-f", "-", stdin=pods(args.pods))
                run("wait", "--for=condition=Ready", "pod", "--all", "-n", "bench",
                    "--timeout=300s")  # fmt: skip
                took = time.perf_counter() - began
                print(f"{args.pods} pods created to Ready in {took:.2f} s "
                      f"({args.pods / took:.1f} pods/s)")  # fmt: skip
                began = time.perf_counter()
                run("apply", "-f", "-", stdin=deployment(args.replicas))
                run("rollout", "status", "-n", "bench", "deployment/bench", "--timeout=300s")
                took = time.perf_counter() - began
                print(f"Deployment of {args.replicas} replicas rolled out in {took:.2f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
