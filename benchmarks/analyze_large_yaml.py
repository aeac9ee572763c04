"""``kube-devops analyze --file`` on a large YAML stream: seconds and peak memory.

Writes a multi-document YAML file of about ``--megabytes`` MB (50 by default) of Pods (with
status, as ``kubectl get -o yaml`` prints them) and Deployments into a temporary directory, runs
``kube-devops analyze --file`` on it in a fresh process and prints its wall-clock seconds and
peak RSS; then the same objects as one List document (what ``kubectl get -o yaml`` writes) and
as one JSON List (``kubectl get -o json``); then the document stream with the pure-Python YAML
loader forced (libyaml's ``CSafeLoader`` removed before kube-devops is imported), as the
baseline. The peak RSS is the child's ``ru_maxrss``: the ``resource.getrusage(RUSAGE_CHILDREN)``
figure, read per child with ``os.wait4`` so that one run's peak does not hide the other's.
Target: at most 30 s and 300 MB for 50 MB.

    python benchmarks/analyze_large_yaml.py [--megabytes 50] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ENTRY = "from kube_devops.cli.main import main; raise SystemExit(main())"
PURE = "import yaml; del yaml.CSafeLoader; " + ENTRY
TARGET_SECONDS = 30.0
TARGET_MB = 300.0
NAMESPACES = ("production", "staging", "dev", "team-a", "team-b")
IMAGES = ("nginx:1.27.0", "nginx", "registry.local:5000/team/app:1.2", "redis:latest")

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web-{i}
  namespace: {ns}
  labels:
    app: web-{i}
    pod-template-hash: 7d9f{i}
  creationTimestamp: "2026-01-05T10:00:00Z"
spec:
  containers:
  - name: app
    image: {image}
    ports:
    - containerPort: 8080
      name: http
    resources:
      requests: {{cpu: 100m, memory: 128Mi}}
      limits: {{cpu: 500m, memory: 256Mi}}
{probes}    env:
    - name: MODE
      value: production
    - name: REPLICA
      value: "{i}"
  - name: sidecar
    image: envoyproxy/envoy:v1.30.1
    readinessProbe:
      httpGet: {{path: /ready, port: 9901}}
  restartPolicy: Always
  serviceAccountName: web
status:
  phase: Running
  startTime: "2026-01-05T10:00:02Z"
  containerStatuses:
  - name: app
    ready: true
    restartCount: {restarts}
    image: {image}
  - name: sidecar
    ready: true
    restartCount: 0
    image: envoyproxy/envoy:v1.30.1
"""
PROBES = """\
    livenessProbe:
      httpGet: {path: /healthz, port: 8080}
      periodSeconds: 10
    readinessProbe:
      httpGet: {path: /ready, port: 8080}
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-{i}
  namespace: {ns}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: api-{i}}}
  template:
    metadata:
      labels: {{app: api-{i}}}
    spec:
      containers:
      - name: api
        image: {image}
        ports:
        - {{containerPort: 8080, name: http}}
        resources:
          requests: {{cpu: 200m, memory: 256Mi}}
"""


def document(i: int) -> str:
    """The ``i``-th document: three Pods, then a Deployment, with a mix of violations."""
    fields = {"i": i, "ns": NAMESPACES[i % len(NAMESPACES)], "image": IMAGES[i % len(IMAGES)]}
    if i % 4 == 3:
        return DEPLOYMENT.format(**fields)
    return POD.format(probes=PROBES if i % 3 else "", restarts=i % 7, **fields)


def write_stream(path: Path, megabytes: float) -> int:
    """Write documents until the file holds ``megabytes`` MB; returns how many."""
    limit, size, count = int(megabytes * 1_000_000), 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < limit:
            text = "---\n" + document(count)
            out.write(text)
            size += len(text)
            count += 1
    return count


def write_list(path: Path, megabytes: float) -> int:
    """The same objects as one ``kind: List`` document, items indented as kubectl writes them."""
    limit, size, count = int(megabytes * 1_000_000), 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write("apiVersion: v1\nitems:\n")
        while size < limit:
            first, *rest = document(count).splitlines()
            text = f"- {first}\n" + "".join(f"  {line}\n" for line in rest)
            out.write(text)
            size += len(text)
            count += 1
        out.write('kind: List\nmetadata:\n  resourceVersion: ""\n')
    return count


def write_json_list(path: Path, count: int) -> None:
    """The first ``count`` objects as one JSON List, indented as ``kubectl get -o json`` does.

    Written one item at a time: this process stays small, and so does the peak RSS that a child
    started from it inherits until it execs.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n    "apiVersion": "v1",\n    "items": [\n')
        for i in range(count):
            item = json.dumps(yaml.load(document(i), Loader=loader), indent=4, default=str)
            out.write(",\n" if i else "")
            out.write("\n".join(f"        {line}" for line in item.splitlines()))
        out.write('\n    ],\n    "kind": "List",\n    "metadata": {"resourceVersion": ""}\n}\n')


def measure(code: str, path: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS in MB and exit code of ``kube-devops analyze --file path``."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, "analyze", "--file", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, child.returncode


def report(label: str, seconds: float, megabytes: float, code: int, judged: bool) -> None:
    """One line of figures; the verdict against the targets when ``judged``."""
    verdict = ""
    if judged:
        ok = seconds <= TARGET_SECONDS and megabytes <= TARGET_MB
        verdict = "  ok" if ok else f"  over the {TARGET_SECONDS:g} s / {TARGET_MB:g} MB target"
    print(f"{label:24} {seconds:7.1f} s  peak RSS {megabytes:6.0f} MB  exit {code}{verdict}")


def main() -> None:
    """Generate the stream, then print one line per loader."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0, help="file size (default: 50)")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the pure-Python loader run"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="analyze-bench-") as tmp:
        path = Path(tmp) / "workloads.yaml"
        count = write_stream(path, args.megabytes)
        size = path.stat().st_size / 1_000_000
        print(f"input: {count} documents, {size:.1f} MB")
        report("documents, libyaml", *measure(ENTRY, path), judged=True)
        listed = Path(tmp) / "list.yaml"
        count = write_list(listed, args.megabytes)
        print(f"input: one List of {count} items, {listed.stat().st_size / 1_000_000:.1f} MB")
        report("one List, libyaml", *measure(ENTRY, listed), judged=True)
        as_json = Path(tmp) / "list.json"
        write_json_list(as_json, count)
        print(f"input: one JSON List of {count} items, {as_json.stat().st_size / 1_000_000:.1f} MB")
        report("one JSON List", *measure(ENTRY, as_json), judged=True)
        if not args.no_baseline:
            report("documents, pure Python", *measure(PURE, path), judged=False)


if __name__ == "__main__":
    main()
