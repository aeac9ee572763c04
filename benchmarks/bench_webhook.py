"""Admission webhook latency and throughput over TLS with keep-alive.

Starts, each in its own process, the real webhook (``run_webhook``, three policies in its cache)
and a bare aiohttp TLS handler that returns a fixed AdmissionReview; then drives both with the
same load: 16 concurrent keep-alive clients for ``--duration`` seconds (15 by default), posting
a realistic two-container pod AdmissionReview to ``/validate``; the two servers take turns in
3 s slices so that background load on a shared machine hits both alike. Prints req/s, p50, p99
and the server's CPU time per request for each, the webhook's throughput as a share of the bare
handler's, and the p99 at an offered (paced) 200 req/s.
Targets: p99 <= 10 ms at 200 req/s; throughput >= 60% of bare.

    python benchmarks/bench_webhook.py [--duration 15] [--clients 16] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import ssl
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from kube_devops.components.webhook.cache import PolicyCache
from kube_devops.components.webhook.server import WebhookSettings, run_webhook
from kube_devops.runtime.certs import CertRequest, generate
from kube_devops.runtime.settings import ServeSettings, TlsSettings

NAMESPACE = "team-a"
CHECKS = {"forbidLatestTag": True, "requireLivenessProbe": True, "requireReadinessProbe": True}
POLICIES = [
    {
        "apiVersion": "devops.stochastic.io/v1",
        "kind": "DevOpsPolicy",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {**CHECKS, "enforcementMode": mode, "severityOverrides": overrides},
    }
    for name, mode, overrides in (
        ("audit-all", "audit", {}),
        ("enforce-all", "enforce", {}),
        ("enforce-strict", "enforce", {"missingLiveness": "critical"}),
    )
]


def review(uid: int) -> bytes:
    """A CREATE review of a two-container pod (one unpinned, one compliant)."""
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10}
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"shop-{uid}", "namespace": NAMESPACE, "labels": {"app": "shop"}},
        "spec": {
            "containers": [
                {"name": "app", "image": "registry.local:5000/team/shop", "readinessProbe": probe},
                {"name": "proxy", "image": "envoyproxy/envoy:v1.30.1",
                 "livenessProbe": probe, "readinessProbe": probe},
            ],
        },
    }  # fmt: skip
    request = {
        "uid": f"00000000-0000-4000-8000-{uid:012d}",
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "namespace": NAMESPACE,
        "operation": "CREATE",
        "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
        "object": pod,
        "oldObject": None,
        "dryRun": False,
    }
    body = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    return json.dumps(body).encode()


def _serve_webhook(cert_dir: str, ports: Any) -> None:
    async def feed(cache: PolicyCache) -> None:
        cache.resync(POLICIES)
        await asyncio.Event().wait()

    settings = WebhookSettings(
        serve=ServeSettings(
            "127.0.0.1", 0, tls=TlsSettings(Path(cert_dir) / "tls.crt", Path(cert_dir) / "tls.key")
        ),
    )
    asyncio.run(run_webhook(settings, feed=feed, on_listening=ports.put))


def _serve_bare(cert_dir: str, ports: Any) -> None:
    fixed = json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "response": {"uid": "fixed", "allowed": True}}
    ).encode()  # fmt: skip

    async def validate(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=fixed, content_type="application/json")

    async def main() -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(Path(cert_dir) / "tls.crt", Path(cert_dir) / "tls.key")
        app = web.Application()
        app.router.add_post("/validate", validate)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def _load(
    url: str, ca: Path, clients: int, duration: float, rate: float | None
) -> tuple[int, list[float]]:
    """Closed loop (``rate`` None) or paced at ``rate`` req/s in all; (count, latencies)."""
    context = ssl.create_default_context(cafile=str(ca))
    latencies: list[float] = []
    bodies = [review(i) for i in range(64)]
    connector = aiohttp.TCPConnector(limit=clients, ssl=context)
    async with aiohttp.ClientSession(connector=connector) as session:
        for body in bodies[:clients]:  # warm up every connection
            async with session.post(url, data=body) as resp:
                await resp.read()
        start = time.perf_counter()
        end = start + duration

        async def client(index: int) -> None:
            sent = 0
            while (now := time.perf_counter()) < end:
                if rate is not None:
                    due = start + (sent * clients + index) / rate
                    if due > now:
                        await asyncio.sleep(due - now)
                t0 = time.perf_counter()
                async with session.post(url, data=bodies[sent % len(bodies)]) as resp:
                    await resp.read()
                    assert resp.status == 200
                latencies.append(time.perf_counter() - t0)
                sent += 1

        await asyncio.gather(*(client(i) for i in range(clients)))
    return len(latencies), latencies


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """Requests, latencies and server CPU accumulated over the slices of one server's runs."""

    label: str
    pid: int
    url: str
    count: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def run(self, ca: Path, clients: int, seconds: float, rate: float | None) -> None:
        cpu = _cpu_seconds(self.pid)
        count, latencies = asyncio.run(_load(self.url, ca, clients, seconds, rate))
        self.cpu += _cpu_seconds(self.pid) - cpu
        self.count += count
        self.seconds += seconds
        self.latencies += latencies

    def report(self) -> float:
        """Print req/s, p50, p99 and server CPU per request; return req/s."""
        cuts = statistics.quantiles(self.latencies, n=100)
        rps = self.count / self.seconds
        p50, p99, cpu_us = cuts[49] * 1e3, cuts[98] * 1e3, self.cpu / self.count * 1e6
        print(
            f"{self.label:<34} {rps:7.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
            f"   server CPU {cpu_us:5.0f} us/req"
        )
        return rps


def _interleaved(
    tallies: tuple[Tally, Tally], ca: Path, args: argparse.Namespace, rate: float | None
) -> None:
    """Alternate the two servers in 3 s slices so background load hits both alike."""
    slices = max(1, round(args.duration / 3))
    for _ in range(slices):
        for tally in tallies:
            tally.run(ca, args.clients, args.duration / slices, rate)


def _start(target: Any, cert_dir: str) -> tuple[Any, int]:
    ctx = mp.get_context("spawn")
    ports = ctx.Queue()
    proc = ctx.Process(target=target, args=(cert_dir, ports), daemon=True)
    proc.start()
    return proc, int(ports.get(timeout=30))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(CertRequest(output_dir=Path(tmp), ip_sans=("127.0.0.1",)))
        ca = Path(tmp) / "ca.crt"
        hook_proc, hook_port = _start(_serve_webhook, tmp)
        bare_proc, bare_port = _start(_serve_bare, tmp)
        try:
            hook_url = f"https://127.0.0.1:{hook_port}/validate"
            bare_url = f"https://127.0.0.1:{bare_port}/validate"
            print(
                f"{args.clients} keep-alive TLS clients, {args.duration:.0f} s per run,"
                " 3 policies in the cache"
            )
            hook = Tally("webhook /validate (max)", hook_proc.pid, hook_url)
            bare = Tally("bare TLS handler (max)", bare_proc.pid, bare_url)
            _interleaved((hook, bare), ca, args, None)
            hook_rps, bare_rps = hook.report(), bare.report()
            paced = f"@ {args.rate:.0f} req/s"
            hook_paced = Tally(f"webhook /validate {paced}", hook_proc.pid, hook_url)
            bare_paced = Tally(f"bare TLS handler {paced}", bare_proc.pid, bare_url)
            _interleaved((hook_paced, bare_paced), ca, args, args.rate)
            hook_paced.report()
            bare_paced.report()
            share = 100 * bare.cpu / bare.count / (hook.cpu / hook.count)
            print(f"server CPU per request: bare = {share:.0f}% of webhook")
            print(f"webhook throughput = {100 * hook_rps / bare_rps:.0f}% of bare (target >= 60%)")
        finally:
            for proc in (hook_proc, bare_proc):
                proc.terminate()
                proc.join(10)


if __name__ == "__main__":
    main()
