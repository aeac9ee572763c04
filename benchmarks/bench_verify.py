"""Verifier wall time on a dashboard of several hundred targets against real data.

Starts ``prometheus-node-exporter`` and a Prometheus scraping it and itself every second, waits
for 20 s of samples, then builds a dashboard of 300 panel targets over the metric names that
Prometheus really holds (``rate()`` of counters, gauges, ``sum by (job)`` aggregations, a
``$job`` query variable with All, and one target in 25 broken on purpose: a misspelt metric, a
label value that does not exist, a value filter that keeps nothing), so the diagnosis runs too.

It then times, in the same run and against the same Prometheus:
- ``verify``: the whole verifier (load, plan, judge with ``--concurrency`` 8, report);
- a naive loop: prometheus-api-client instant + range queries, one target after the other, over
  the same final expressions and windows (what a hand-written checker would do).

Rounds alternate verify and naive; it prints both (median and best of 5 rounds), the ratio
verify / naive of the medians (target <= 1.0x) and verify's milliseconds per target (target
<= 5 ms). On a shared, loaded machine both vary by 2x from round to round: Prometheus's own CPU
time dominates, the client's is about the same in both (0.4-0.5 s here).

Run: ``python benchmarks/bench_verify.py`` (needs ``prometheus`` and
``prometheus-node-exporter`` on PATH, as ``scripts/setup.sh`` documents).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_api_client import PrometheusConnect

from kube_devops.sandbox.free_ports import free_block
from kube_devops.sandbox.lifeline import stop_process
from kube_devops.sandbox.prometheus import PrometheusSettings, start_prometheus
from kube_devops.verify.client import PromClient
from kube_devops.verify.grafana import PlanOptions, load_dashboards, plan_dashboard
from kube_devops.verify.plan import QueryTarget
from kube_devops.verify.readiness import wait_for_samples, wait_targets_up
from kube_devops.verify.run import VerifySettings, verify

TARGETS = 300
RANGE_SECONDS = 600.0
ROUNDS = 5
WARM_UP_SECONDS = 20


@contextlib.contextmanager
def stack(workdir: Path) -> Iterator[str]:
    """Node exporter and a Prometheus scraping it and itself; yields Prometheus's URL."""
    node, port = range(free_block(2), 65536)[:2]
    binary = shutil.which("prometheus-node-exporter") or "prometheus-node-exporter"
    exporter = subprocess.Popen(
        [binary, f"--web.listen-address=127.0.0.1:{node}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    jobs = [
        {"job_name": "prometheus", "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]},
        {"job_name": "node", "static_configs": [{"targets": [f"127.0.0.1:{node}"]}]},
    ]
    try:
        settings = PrometheusSettings(workdir=workdir, scrape_interval=1.0, port=port)
        with start_prometheus(jobs, settings) as running:
            client = PromClient(running.url)
            wait_targets_up(client, expected=2, timeout=30)
            wait_for_samples(client, "up", WARM_UP_SECONDS, timeout=WARM_UP_SECONDS + 30)
            client.close()
            yield running.url
    finally:
        stop_process(exporter)


def expressions(names: list[str]) -> list[str]:
    """``TARGETS`` final-looking queries over real metric names, one in 25 broken."""
    plain = [n for n in names if not n.endswith(("_bucket", "_created"))]
    exprs: list[str] = []
    for i in range(TARGETS):
        name = plain[i % len(plain)]
        selector = f'{name}{{job=~"$job"}}'
        if i % 25 == 24:
            exprs.append(_broken(name, i))
        elif name.endswith("_total"):
            exprs.append(f"sum by (job) (rate({selector}[$__rate_interval]))")
        elif i % 3 == 0:
            exprs.append(f"sum by (job, instance) ({selector})")
        else:
            exprs.append(selector)
    return exprs


def _broken(name: str, i: int) -> str:
    return (
        f"{name}_misspelt",
        f'{name}{{job="no-such-job"}}',
        f'{name}{{job=~"$job"}} < -1e300',
    )[i % 3]


def dashboard(exprs: list[str]) -> dict[str, Any]:
    """One half-width time series panel per expression, and the ``$job`` variable."""
    panels = [
        {"type": "timeseries", "title": f"panel {i}", "gridPos": {"x": 0, "y": i, "w": 12, "h": 4},
         "datasource": {"type": "prometheus", "uid": "prom"},
         "targets": [{"refId": "A", "expr": expr, "legendFormat": _legend(expr)}]}
        for i, expr in enumerate(exprs)
    ]  # fmt: skip
    job = {
        "name": "job", "type": "query", "datasource": {"type": "prometheus", "uid": "prom"},
        "query": "label_values(up, job)", "includeAll": True, "multi": True,
        "current": {"text": "All", "value": "$__all"}, "refresh": 1,
    }  # fmt: skip
    return {"title": "Benchmark", "uid": "bench", "panels": panels, "templating": {"list": [job]}}


def _legend(expr: str) -> str:
    return "{{job}}" if "by (job" in expr else ""


def naive(url: str, targets: list[QueryTarget]) -> float:
    """Seconds for instant + range queries of every target, one after the other."""
    prom = PrometheusConnect(url=url)
    started = time.perf_counter()
    for target in targets:
        w = target.window
        prom.custom_query(target.expr, params={"time": f"{w.end:.3f}"})
        if not target.instant:
            prom.custom_query_range(
                target.expr, start_time=_dt(w.start), end_time=_dt(w.end), step=f"{w.step:g}"
            )
    elapsed = time.perf_counter() - started
    prom.close()
    return elapsed


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def planned_targets(url: str, path: Path) -> list[QueryTarget]:
    client = PromClient(url)
    try:
        options = PlanOptions(end=time.time(), range_seconds=RANGE_SECONDS, scrape_seconds=1.0)
        (source,) = load_dashboards([path])
        return plan_dashboard(source, client, options).targets
    finally:
        client.close()


def timed_verify(url: str, path: Path) -> tuple[float, dict[str, Any]]:
    """Seconds for the whole verifier, and its verdict counts and step timings."""
    settings = VerifySettings(url, dashboards=(path,), range_seconds=RANGE_SECONDS)
    started = time.perf_counter()
    report = verify(settings)
    elapsed = time.perf_counter() - started
    counts: dict[str, int] = {}
    for panel in report.panels:
        key = f"{panel.status}/{panel.reason}" if panel.reason else str(panel.status)
        counts[key] = counts.get(key, 0) + 1
    steps = {k: round(v * 1000, 1) for k, v in report.timings.items()}
    return elapsed, {"verdicts": dict(sorted(counts.items())), "step_ms": steps}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, stack(Path(tmp)) as url:
        client = PromClient(url)
        names = sorted(client.label_values("__name__"))
        client.close()
        path = Path(tmp) / "bench_dashboard.json"
        path.write_text(json.dumps(dashboard(expressions(names))))
        targets = planned_targets(url, path)
        verify_times: list[float] = []
        naive_times: list[float] = []
        details: dict[str, Any] = {}
        for _ in range(ROUNDS):
            seconds, details = timed_verify(url, path)
            verify_times.append(seconds)
            naive_times.append(naive(url, targets))
        report(len(targets), verify_times, naive_times)
        print(f"verdicts (last round): {details['verdicts']}")
        print(f"verify steps in ms (last round): {details['step_ms']}")


def report(count: int, verify_times: list[float], naive_times: list[float]) -> None:
    verify_seconds = statistics.median(verify_times)
    naive_seconds = statistics.median(naive_times)
    ratio = verify_seconds / naive_seconds
    per_target = verify_seconds / count * 1000
    print(f"targets: {count} (range {RANGE_SECONDS:g} s, 1 s scrapes, {ROUNDS} rounds)")
    print(
        f"verify (load + plan + judge, concurrency 8): median {verify_seconds:.3f} s, "
        f"best {min(verify_times):.3f} s"
    )
    print(
        f"naive sequential instant + range loop: median {naive_seconds:.3f} s, "
        f"best {min(naive_times):.3f} s"
    )
    print(f"ratio verify / naive: {ratio:.2f}x (target <= 1.0x)")
    print(f"verify per target: {per_target:.2f} ms (target <= 5 ms)")


if __name__ == "__main__":
    main()
