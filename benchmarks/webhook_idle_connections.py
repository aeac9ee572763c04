"""Idle and slow TLS connections against the real webhook process: memory and server closes.

Starts the emulated API (one DevOpsPolicy) and ``kube-devops webhook serve`` as a real process
over real TLS, with its default timeouts unless flags are given. Then opens, all at once:

- ``--idle`` connections that finish the TLS handshake and send nothing;
- ``--kept`` connections that send one AdmissionReview, get the answer and stay open (what an
  API server's keep-alive pool looks like between requests);
- ``--slow`` slow-loris connections sending request headers at 1 byte/s;
- ``--slow`` connections sending complete headers and then their body at 1 byte/s.

While they are open, one AdmissionReview on a fresh connection shows whether the webhook still
answers. Prints the webhook's resident memory (VmRSS) before, at its peak and after the server
closed the connections, and per kind how many the server closed and how many seconds that took.

    python benchmarks/webhook_idle_connections.py [--idle 2000] [--kept 100] [--slow 20]
        [--wait 75] [-- extra webhook serve flags, e.g. --idle-timeout 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kube_devops.runtime.certs import CertRequest, generate
from kube_devops.sandbox.emulator.thread import EmulatorThread

POLICIES = "devops.stochastic.io/v1/devopspolicies"
NAMESPACE = "team-a"
POLICY = {
    "apiVersion": "devops.stochastic.io/v1",
    "kind": "DevOpsPolicy",
    "metadata": {"name": "enforce-all", "namespace": NAMESPACE},
    "spec": {"forbidLatestTag": True, "enforcementMode": "enforce"},
}


def review() -> bytes:
    """A CREATE review of a one-container pod using ``:latest`` (denied)."""
    pod = {"metadata": {"name": "p", "namespace": NAMESPACE},
           "spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}}  # fmt: skip
    request = {
        "uid": "00000000-0000-4000-8000-000000000001",
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "namespace": NAMESPACE,
        "operation": "CREATE",
        "object": pod,
    }
    body = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    return json.dumps(body).encode()


def post(body: bytes) -> bytes:
    """An HTTP/1.1 keep-alive POST of ``body`` to ``/validate``."""
    head = (
        "POST /validate HTTP/1.1\r\nHost: webhook\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


@dataclass
class Kind:
    """Connections of one kind: when each was opened and when the server closed it."""

    name: str
    opened: int = 0
    failed: int = 0
    closed_after: list[float] = field(default_factory=list)

    def line(self) -> str:
        closed = len(self.closed_after)
        worst = f"{max(self.closed_after):5.1f}" if self.closed_after else "    -"
        first = f"{min(self.closed_after):5.1f}" if self.closed_after else "    -"
        return (
            f"{self.name:<26} opened {self.opened:5d} (failed {self.failed})   closed by the"
            f" server {closed:5d}   after {first} .. {worst} s"
        )


async def hold(port: int, context: ssl.SSLContext, kind: Kind, script: str, wait: float) -> None:
    """Open one connection, act as ``script`` says, and record when the server closes it."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
    except (OSError, ssl.SSLError):
        kind.failed += 1
        return
    kind.opened += 1
    start = time.monotonic()
    sender = asyncio.create_task(_send(writer, script))
    try:
        async with asyncio.timeout(wait):
            while await reader.read(65536):
                pass  # an answer (kept connections): keep reading until the server closes
        kind.closed_after.append(time.monotonic() - start)
    except (TimeoutError, OSError, ssl.SSLError):
        if not reader.at_eof():
            pass  # still open at the end of the wait: not counted as closed
    finally:
        sender.cancel()
        writer.transport.abort()


async def _send(writer: asyncio.StreamWriter, script: str) -> None:
    body = review()
    if script == "kept":
        writer.write(post(body))
    elif script in ("slow-headers", "slow-body"):
        data = post(body)
        cut = data.index(b"\r\n\r\n") + 4 if script == "slow-body" else 0
        writer.write(data[:cut])
        for byte in data[cut:]:
            await asyncio.sleep(1.0)
            writer.write(bytes([byte]))
    await writer.drain()


async def one_verdict(port: int, context: ssl.SSLContext) -> str:
    """Post one review on a fresh connection; the status line and the seconds it took."""
    start = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
        writer.write(post(review()))
        line = (await asyncio.wait_for(reader.readline(), 10)).decode().strip()
        writer.transport.abort()
    except (OSError, ssl.SSLError, TimeoutError) as err:
        line = f"failed: {err!r}"
    return f"{line} in {time.monotonic() - start:.2f} s"


async def flood(port: int, pid: int, ca: Path, args: argparse.Namespace) -> None:
    context = ssl.create_default_context(cafile=str(ca))
    kinds = [Kind("idle (nothing sent)"), Kind("kept-alive after a request"),
             Kind("headers at 1 byte/s"), Kind("body at 1 byte/s")]  # fmt: skip
    scripts = [("idle", args.idle), ("kept", args.kept), ("slow-headers", args.slow),
               ("slow-body", args.slow)]  # fmt: skip
    before = rss_mib(pid)
    peak = [before]
    tasks = [
        asyncio.create_task(hold(port, context, kind, script, args.wait))
        for kind, (script, count) in zip(kinds, scripts, strict=True)
        for _ in range(count)
    ]
    sampler = asyncio.create_task(_sample(pid, peak))
    await asyncio.sleep(min(5.0, args.wait / 4))
    verdict = await one_verdict(port, context)
    await asyncio.gather(*tasks)
    await asyncio.sleep(2.0)
    sampler.cancel()
    after = rss_mib(pid)
    print(f"webhook RSS: before {before:.0f} MiB, peak {max(peak):.0f} MiB, after {after:.0f} MiB")
    print(f"a verdict during the flood: {verdict}")
    for kind in kinds:
        print(kind.line())
    for entry, count in sorted(LOGGED.items()):
        print(f"logged {count:5d} x {entry}")


async def _sample(pid: int, peak: list[float]) -> None:
    while True:
        peak.append(rss_mib(pid))
        await asyncio.sleep(0.25)


def start_webhook(
    tmp: Path, kubeconfig: Path, extra: list[str]
) -> tuple[subprocess.Popen[str], int]:
    """``kube-devops webhook serve`` on an ephemeral port; the process and its port."""
    command = [sys.executable, "-m", "kube_devops", "webhook", "serve", "--addr", "127.0.0.1:0",
               "--tls-cert", str(tmp / "tls.crt"), "--tls-key", str(tmp / "tls.key"),
               "--kubeconfig", str(kubeconfig), *extra]  # fmt: skip
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        record = json.loads(line)
        if record["msg"] == "listening":
            threading.Thread(target=_drain, args=(proc.stderr,), daemon=True).start()
            return proc, int(record["port"])
    raise RuntimeError(f"the webhook exited with {proc.wait()}")


#: Log records of the webhook after ``listening``, by level and message.
LOGGED: Counter[str] = Counter()


def _drain(stream: IO[str]) -> None:
    for line in stream:
        record = json.loads(line)
        LOGGED[f"{record['level']} {record['msg'][:60]}"] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=2000, help="handshake, then nothing")
    parser.add_argument("--kept", type=int, default=100, help="one request, then idle")
    parser.add_argument("--slow", type=int, default=20, help="of each slow kind")
    parser.add_argument("--wait", type=float, default=75.0, help="seconds to wait for closes")
    args, extra = parser.parse_known_args()
    extra = [flag for flag in extra if flag != "--"]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    emulator = EmulatorThread().start()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        emulator.seed_namespace(NAMESPACE)
        emulator.seed(POLICIES, POLICY)
        generate(CertRequest(output_dir=tmp, ip_sans=("127.0.0.1",)))
        proc, port = start_webhook(tmp, emulator.write_kubeconfig(tmp / "kubeconfig"), extra)
        try:
            time.sleep(1.0)
            asyncio.run(flood(port, proc.pid, tmp / "ca.crt", args))
        finally:
            proc.terminate()
            proc.wait(10)
            emulator.stop()


if __name__ == "__main__":
    main()
