"""``kube-devops sandbox --api real``: time to ready and resident memory of the control plane.

Starts the real sandbox (etcd, kube-apiserver, kube-controller-manager, node simulator, the three
components, Prometheus, traffic) ``--runs`` times (default 3) and prints, per run, the seconds
until ready (every Prometheus target up, enough samples, every counter moving; target <= 30 s)
with the start-up phases, then the resident memory (VmRSS from /proc) of etcd, kube-apiserver
and kube-controller-manager after the stack has run ``--settle`` seconds (default 20).

Needs the control plane built: ``bash scripts/build-control-plane.sh``.
Run: ``python benchmarks/bench_sandbox_real.py [--runs N] [--settle SECONDS]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.real.api import RealApi
from kube_devops.sandbox.settings import SandboxSettings

PROGRAMS = ("etcd", "kube-apiserver", "kube-controller-manager")


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def one_run(settle: float) -> tuple[float, dict[str, float], dict[str, float]]:
    """Seconds to ready, the phase timings, and RSS (MiB) per program after ``settle`` s."""
    began = time.perf_counter()
    sandbox = Sandbox(SandboxSettings(base_port=0, api="real"))
    try:
        state = sandbox.start()
        ready = time.perf_counter() - began
        time.sleep(settle)
        api = sandbox.api
        assert isinstance(api, RealApi)
        programs = api.plane.programs
        memory = {name: rss_mib(programs[name].process.pid) for name in PROGRAMS}
    finally:
        sandbox.stop()
    return ready, dict(state.timings), memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=20.0)
    args = parser.parse_args()
    readies: list[float] = []
    memories: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for run in range(1, args.runs + 1):
        ready, phases, memory = one_run(args.settle)
        readies.append(ready)
        for name, mib in memory.items():
            memories[name].append(mib)
        steps = ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
        print(f"run {run}: ready in {ready:.1f} s ({steps})")
    print(f"time to ready: median {statistics.median(readies):.1f} s, max {max(readies):.1f} s")
    for name, values in memories.items():
        median, most = statistics.median(values), max(values)
        print(f"RSS {name:<24} median {median:6.0f} MiB, max {most:6.0f} MiB")
    total = sum(statistics.median(v) for v in memories.values())
    print(f"RSS control plane total  median {total:6.0f} MiB")


if __name__ == "__main__":
    main()
