"""A sandbox left running stays steady: pod count and resident memory over N minutes.

Starts ``kube-devops sandbox --base-port 0 --state-file ...`` as a process, lets it run
``--minutes`` (default 3) and prints every ``--every`` seconds (default 30) the number of pods in
the API and the resident memory (VmRSS from /proc) of each process of the sandbox: the sandbox
process itself (the emulated API and the traffic generator run in it), the three components and
Prometheus (and with ``--api real`` etcd, kube-apiserver, kube-controller-manager). Then stops it
with SIGTERM and prints the sandbox's last line. A steady sandbox keeps the pod count in a band
and its memory flat.

Run: ``python benchmarks/bench_sandbox_steady.py [--minutes 3] [--every 30] [--api emulated]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.resources import PODS
from kube_devops.runtime.sync import run_sync


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc/<pid>/task/*/children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            found += [int(child), *children(int(child))]
    return found


def process_name(pid: int) -> str:
    """A short name: the component verb for ``python -m kube_devops``, else the program."""
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    if "kube_devops" in argv:
        return argv[argv.index("kube_devops") + 1]
    if "sandbox" in argv:
        return "sandbox"
    return Path(argv[0]).name


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pod_count(kubeconfig: str) -> int:
    """Pods in every namespace."""

    async def count() -> int:
        client = KubeClient.from_config(ClusterConfig(kubeconfig))
        try:
            return len((await client.list(PODS))["items"])
        finally:
            client.close()

    return run_sync(count)


def wait_state(state_file: Path, process: subprocess.Popen[str], timeout: float) -> dict[str, str]:
    """The state file once the sandbox is ready."""
    deadline = time.monotonic() + timeout
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            log = state_file.with_name("sandbox.log").read_text()[-2000:]
            raise RuntimeError(f"the sandbox did not become ready; its output ends with:\n{log}")
        time.sleep(0.5)
    time.sleep(0.2)
    result: dict[str, str] = json.loads(state_file.read_text())
    return result


def sample(pid: int, kubeconfig: str, began: float) -> str:
    """One line: elapsed time, pods, RSS per process and in total."""
    memory = {process_name(p): rss_mib(p) for p in [pid, *children(pid)]}
    parts = " ".join(f"{name} {mib:.0f}" for name, mib in sorted(memory.items()))
    total = sum(memory.values())
    elapsed = time.monotonic() - began
    return f"{elapsed:5.0f} s  pods {pod_count(kubeconfig):4d}  RSS MiB: {parts}  total {total:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--every", type=float, default=30.0)
    parser.add_argument("--api", choices=("emulated", "real"), default="emulated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-steady-") as tmp:
        state_file = Path(tmp) / "state.json"
        argv = [sys.executable, "-m", "kube_devops", "sandbox", "--base-port", "0"]
        argv += ["--api", args.api, "--state-file", str(state_file)]
        log = (Path(tmp) / "sandbox.log").open("w+")
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            state = wait_state(state_file, process, 120)
            began = time.monotonic()
            while True:
                print(sample(process.pid, state["kubeconfig"], began), flush=True)
                if time.monotonic() - began + args.every > args.minutes * 60 + 1:
                    break
                time.sleep(args.every)
        finally:
            process.terminate()
            process.wait(60)
        log.seek(0)
        print("sandbox's last line:", log.read().strip().splitlines()[-1])


if __name__ == "__main__":
    main()
