"""The sandbox under sustained churn and admission load, with faults injected on a schedule.

Starts ``kube-devops sandbox --base-port 0 --state-file ...`` (emulated API by default,
``--api real`` for the real control plane) as a process; its traffic generator churns pods and
Deployments. On top of that this script sends admission reviews to the webhook at ``--rate`` per
second (a compliant and a non-compliant pod in turn, in the audit namespace ``production`` and
the enforce namespace ``staging``: only the non-compliant pod in ``staging`` must be denied) and
polls every component's ``/readyz``, Prometheus's ``/-/ready`` and the state file's ``degraded``
twice a second. After a warm-up (a fifth of the run unless ``--warm-up`` says), five faults
follow one another in equal slots of the ``--minutes`` (default 10):

- kill a component: SIGKILL of the watch process (the sandbox restarts it);
- stop Prometheus: SIGTERM (the sandbox restarts it);
- drop the API: the process serving it (the sandbox's own process for the emulator,
  kube-apiserver for ``--api real``) is frozen with SIGSTOP for a third of the slot, then resumed;
- rotate the webhook's certificates: a new key and certificate from the same CA replace the files
  the webhook serves (key first, so for a moment the pair does not match);
- idle-connection flood: ``--idle`` TLS connections opened to the webhook and left silent for
  half the slot.

Per fault it prints what was seen: each component's readiness (seconds not ready), the seconds
until everything was ready again (and, for the rotation, until the new certificate was served),
admissions answered of sent and how many got a wrong verdict, ``verify --state-file`` during the
fault (a pass while something is down would be false) and after recovery (a failure then would be
false). At the end, the resident memory of every process after warm-up and at the end, and
whether it stayed within 10%.

Run: ``python benchmarks/soak.py [--minutes 10] [--api emulated|real] [--rate 20] [--idle 2000]
[--warm-up S]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from kube_devops.runtime.certs import CertRequest, generate
from kube_devops.sandbox.traffic import admission_review, pod

#: The shortest warm-up (seconds); by default it is a fifth of the run.
MIN_WARM_UP = 20.0
INSECURE = ssl.create_default_context()
INSECURE.check_hostname, INSECURE.verify_mode = False, ssl.CERT_NONE


def children(pid: int) -> list[int]:
    """Every descendant of ``pid``."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            listed = (task / "children").read_text().split()
        except OSError:
            continue
        for child in listed:
            found += [int(child), *children(int(child))]
    return found


def process_name(pid: int) -> str:
    """The component verb for ``python -m kube_devops``, else the program's name."""
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    if "kube_devops" in argv:
        verb = argv[argv.index("kube_devops") + 1]
        return "sandbox (API, traffic)" if verb == "sandbox" else verb
    return Path(argv[0]).name


def rss_by_name(root: int) -> dict[str, float]:
    """Resident memory (MiB) of the sandbox and each of its processes, by name."""
    memory: dict[str, float] = {}
    for pid in [root, *children(root)]:
        try:
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            name = process_name(pid)
        except OSError:
            continue
        kib = next((int(x.split()[1]) for x in status if x.startswith("VmRSS:")), 0)
        memory[name] = memory.get(name, 0.0) + kib / 1024
    return memory


def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=INSECURE) as answer:
            return bool(answer.status == 200)
    except (OSError, ValueError):
        return False


@dataclass
class Probe:
    """Readiness of everything, twice a second, in a thread."""

    state_file: Path
    urls: dict[str, str]
    seen: list[tuple[float, dict[str, bool]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.wait(0.5):
            row = {name: answers(url) for name, url in self.urls.items()}
            try:
                degraded = json.loads(self.state_file.read_text()).get("degraded") or []
            except (OSError, ValueError):
                degraded = ["(state file unreadable)"]
            row["state file not degraded"] = not degraded
            self.seen.append((time.monotonic(), row))

    def down_seconds(self, start: float, end: float) -> dict[str, float]:
        rows = [(t, r) for t, r in self.seen if start <= t <= end]
        return {
            name: 0.5 * sum(1 for _t, r in rows if not r[name])
            for name in (rows[0][1] if rows else {})
        }

    def all_ready_since(self, start: float) -> float | None:
        """Seconds from ``start`` until everything was ready (after the first not-ready)."""
        for t, row in self.seen:
            if t >= start and all(row.values()):
                return t - start
        return None


@dataclass
class Load:
    """Admission reviews at a fixed rate, each with its expected verdict, in a thread."""

    url: str
    rate: float
    log: list[tuple[float, bool, bool]] = field(default_factory=list)
    """(time, answered, wrong verdict)."""
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        connector = aiohttp.TCPConnector(ssl=INSECURE, limit=32)
        async with aiohttp.ClientSession(connector=connector) as http:
            tasks: set[asyncio.Task[None]] = set()
            n = 0
            while not self.stop.is_set():
                task = asyncio.create_task(self._one(http, n))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                n += 1
                await asyncio.sleep(1 / self.rate)
            await asyncio.gather(*tasks)

    async def _one(self, http: aiohttp.ClientSession, n: int) -> None:
        namespace = ("production", "staging")[(n // 2) % 2]
        compliant = n % 2 == 0
        expected = compliant or namespace != "staging"
        review = admission_review(pod(f"soak-{uuid.uuid4().hex[:8]}", namespace, compliant))
        sent = time.monotonic()
        try:
            timeout = aiohttp.ClientTimeout(total=5)
            async with http.post(self.url, json=review, timeout=timeout) as response:
                body = await response.json()
            allowed = body["response"]["allowed"]
            self.log.append((sent, True, allowed != expected))
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError):
            self.log.append((sent, False, False))

    def window(self, start: float, end: float) -> tuple[int, int, int]:
        rows = [r for r in self.log if start <= r[0] < end]
        return len(rows), sum(r[1] for r in rows), sum(r[2] for r in rows)


def run_verify(state_file: Path) -> str:
    """``verify --state-file --json`` summarised: exit code, panels ok, or the error."""
    done = subprocess.run(
        [sys.executable, "-m", "kube_devops", "verify", "--state-file", str(state_file),
         "--json", "--range", "5m"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"
    if "panels" in report:
        counts: dict[str, int] = {}
        for panel in report["panels"]:
            counts[panel["status"]] = counts.get(panel["status"], 0) + 1
        shown = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return f"exit {done.returncode}: {len(report['panels'])} panels: {shown}"
    return f"exit {done.returncode}: {report.get('error', '')[:200]}"


def served_fingerprint(port: int) -> bytes:
    """The certificate the webhook serves now (DER)."""
    with (
        socket.create_connection(("127.0.0.1", port), timeout=3) as raw,
        INSECURE.wrap_socket(raw) as tls,
    ):
        return tls.getpeercert(binary_form=True) or b""


@dataclass
class Run:
    """The running sandbox and what the faults need of it."""

    process: subprocess.Popen[bytes]
    state_file: Path
    api: str
    slot: float
    idle: int
    notes: list[str] = field(default_factory=list)

    @property
    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.state_file.read_text())
        return found

    @property
    def certs(self) -> Path:
        return Path(self.state["kubeconfig"]).parent / "certs"

    @property
    def webhook_port(self) -> int:
        return int(self.state["endpoints"]["webhook"].rsplit(":", 1)[1])


Undo = Callable[[], None] | None


def kill_component(run: Run) -> tuple[str, Undo]:
    pid = run.state["processes"]["watch"]["pid"]
    os.kill(pid, signal.SIGKILL)
    return f"SIGKILL watch (pid {pid})", None


def stop_prometheus(run: Run) -> tuple[str, Undo]:
    pid = run.state["processes"]["prometheus"]["pid"]
    os.kill(pid, signal.SIGTERM)
    return f"SIGTERM Prometheus (pid {pid})", None


def drop_api(run: Run) -> tuple[str, Undo]:
    if run.api == "real":
        pid = next(p for p in children(run.process.pid) if process_name(p) == "kube-apiserver")
        what = f"kube-apiserver (pid {pid})"
    else:
        pid = run.process.pid
        what = f"the sandbox process, which serves the emulated API (pid {pid})"
    os.kill(pid, signal.SIGSTOP)
    hold = run.slot / 3
    return f"SIGSTOP {what} for {hold:.0f}s", lambda: os.kill(pid, signal.SIGCONT)


def rotate_certificates(run: Run) -> tuple[str, Undo]:
    certs = run.certs
    with tempfile.TemporaryDirectory() as tmp:
        request = CertRequest(
            output_dir=Path(tmp), ip_sans=("127.0.0.1",), days=1,
            ca_cert=certs / "ca.crt", ca_key=certs / "ca.key",
        )  # fmt: skip
        generate(request)
        new_cert = (Path(tmp) / "tls.crt").read_text()
        os.replace(Path(tmp) / "tls.key", certs / "tls.key")
        time.sleep(0.5)  # the half-rotated moment: new key, old certificate
        os.replace(Path(tmp) / "tls.crt", certs / "tls.crt")
    rotated, wanted = time.monotonic(), ssl.PEM_cert_to_DER_cert(new_cert)
    while time.monotonic() - rotated < run.slot / 2:
        try:
            if served_fingerprint(run.webhook_port) == wanted:
                run.notes.append(f"new certificate served {time.monotonic() - rotated:.1f}s after")
                break
        except OSError:
            pass
        time.sleep(0.25)
    else:
        run.notes.append(f"new certificate NOT served within {run.slot / 2:.0f}s")
    return "new key and certificate from the same CA (key first)", None


def idle_flood(run: Run) -> tuple[str, Undo]:
    opened: list[ssl.SSLSocket] = []
    failed = 0
    for _ in range(run.idle):
        try:
            raw = socket.create_connection(("127.0.0.1", run.webhook_port), timeout=5)
            opened.append(INSECURE.wrap_socket(raw))
        except OSError:
            failed += 1
    began, hold = time.monotonic(), run.slot / 2
    webhook = run.state["processes"]["webhook"]["pid"]
    peak = rss_by_name(webhook).get("webhook", 0.0)

    def undo() -> None:
        closed = sum(1 for s in opened if _closed_by_peer(s))
        for s in opened:
            s.close()
        run.notes.append(
            f"{len(opened)} idle connections opened ({failed} refused), webhook RSS with them "
            f"{peak:.0f} MiB; {closed} closed by the webhook within {time.monotonic() - began:.0f}s"
        )

    return f"{run.idle} idle TLS connections held {hold:.0f}s", undo


def _closed_by_peer(sock: ssl.SSLSocket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except ssl.SSLWantReadError:
        return False
    except OSError:
        return True


FAULTS: list[tuple[str, Callable[[Run], tuple[str, Undo]], float]] = [
    ("kill a component", kill_component, 0.0),
    ("stop Prometheus", stop_prometheus, 0.0),
    ("drop the API", drop_api, 1 / 3),
    ("rotate the webhook's certificates", rotate_certificates, 0.0),
    ("idle-connection flood", idle_flood, 1 / 2),
]


def recovery(probe: Probe, start: float) -> str:
    """Seconds from ``start`` until everything was ready again after something was not."""
    rows = [(t, r) for t, r in probe.seen if t >= start]
    first_down = next((i for i, (_t, r) in enumerate(rows) if not all(r.values())), None)
    if first_down is None:
        return "everything stayed ready"
    back = next((t for t, r in rows[first_down:] if all(r.values())), None)
    return f"recovered in {back - start:.1f}s" if back is not None else "NOT recovered"


def judged(verdict: str, probe: Probe, start: float, end: float, during: bool) -> str:
    """Mark a pass while something was not ready, or a failure while everything was."""
    rows = [r for t, r in probe.seen if start <= t <= end]
    broken = any(not all(r.values()) for r in rows)
    passed = verdict.startswith("exit 0")
    if passed and broken:
        return f"{verdict}  <- FALSE PASS (not everything was ready meanwhile)"
    if not passed and not broken and not during:
        return f"{verdict}  <- false failure (everything was ready)"
    return verdict


def inject(run: Run, probe: Probe, load: Load, number: int) -> None:
    """Fault ``number`` of :data:`FAULTS`, watched for its slot; prints what was seen."""
    title, action, hold_share = FAULTS[number]
    start = time.monotonic()
    what, undo = action(run)
    print(f"\nfault {number + 1}: {title}: {what}", flush=True)
    verify_start = time.monotonic()
    during = run_verify(run.state_file)
    during = judged(during, probe, verify_start, time.monotonic(), during=True)
    if undo is not None:
        time.sleep(max(0.0, start + run.slot * hold_share - time.monotonic()))
        undo()
    deadline = start + run.slot - 8
    while time.monotonic() < deadline and not _ready_now(probe):
        time.sleep(0.5)
    time.sleep(max(0.0, min(5.0, deadline - time.monotonic())))
    verify_start = time.monotonic()
    after = judged(run_verify(run.state_file), probe, verify_start, time.monotonic(), False)
    time.sleep(max(0.0, start + run.slot - time.monotonic()))
    end = time.monotonic()
    down = probe.down_seconds(start, end)
    sent, answered, wrong = load.window(start, end)
    print("  not ready (s): " + ", ".join(f"{n} {s:.1f}" for n, s in down.items()))
    print(f"  {recovery(probe, start)}")
    print(f"  admissions: {answered}/{sent} answered, {wrong} wrong verdict(s)")
    print(f"  verify during: {during}")
    print(f"  verify after:  {after}")
    for note in run.notes:
        print(f"  {note}")
    run.notes.clear()


def _ready_now(probe: Probe) -> bool:
    return bool(probe.seen) and all(probe.seen[-1][1].values())


def wait_ready(state_file: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the sandbox did not become ready:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)


def memory_lines(samples: list[tuple[str, dict[str, float]]]) -> list[str]:
    """One row per process: MiB at each sample, and the end against the first sample."""
    names = sorted({name for _label, rss in samples for name in rss})
    header = "".join(f"{label:>10}" for label, _rss in samples)
    lines = [f"  {'MiB':<24}{header}   end vs warm-up"]
    for name in names:
        row = [rss.get(name, 0.0) for _label, rss in samples]
        change = (row[-1] - row[0]) / row[0] * 100 if row[0] else float("inf")
        flat = "flat" if abs(change) <= 10 else "NOT flat"
        cells = "".join(f"{mib:10.1f}" for mib in row)
        lines.append(f"  {name:<24}{cells}   {change:+6.1f}%  {flat}")
    return lines


def soak(args: argparse.Namespace, tmp: Path) -> None:
    state_file, log = tmp / "state.json", tmp / "sandbox.log"
    argv = [sys.executable, "-m", "kube_devops", "sandbox", "--base-port", "0"]
    argv += ["--api", args.api, "--state-file", str(state_file)]
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=out)
    began = time.monotonic()
    try:
        wait_ready(state_file, process, log)
        print(f"sandbox ready in {time.monotonic() - began:.0f}s ({args.api} API)", flush=True)
        total = args.minutes * 60
        run = Run(process, state_file, args.api, (total - args.warm_up) / len(FAULTS), args.idle)
        endpoints = run.state["endpoints"]
        urls = {name: f"{url}/readyz" for name, url in endpoints.items()}
        urls["prometheus"] = f"{run.state['prometheus_url']}/-/ready"
        probe, load = Probe(state_file, urls), Load(f"{endpoints['webhook']}/validate", args.rate)
        threads = [threading.Thread(target=t.run, daemon=True) for t in (probe, load)]
        for thread in threads:
            thread.start()
        time.sleep(args.warm_up)
        memory = [("warm-up", rss_by_name(process.pid))]
        sent, answered, wrong = load.window(0, time.monotonic())
        print(f"warm-up {args.warm_up:.0f}s: admissions {answered}/{sent} answered, {wrong} wrong")
        for number in range(len(FAULTS)):
            if number:
                memory.append((f"before {number + 1}", rss_by_name(process.pid)))
            inject(run, probe, load, number)
        memory.append(("end", rss_by_name(process.pid)))
        probe.stop.set()
        load.stop.set()
        for thread in threads:
            thread.join(30)
        sent, answered, wrong = load.window(0, time.monotonic())
        print(f"\nwhole run: admissions {answered}/{sent} answered, {wrong} wrong verdict(s)")
        print("resident memory after warm-up, before each fault and at the end (goal: the end")
        print("within 10% of the warm-up; a restarted process is a new one):")
        print("\n".join(memory_lines(memory)))
    finally:
        process.send_signal(signal.SIGCONT)  # in case it stopped during "drop the API"
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
        restarts = [x for x in log.read_text().splitlines() if "restart" in x or "exited" in x]
        print(f"sandbox lines about deaths and restarts: {len(restarts)}")
        for line in restarts:
            print(f"  {line[:220]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the run")
    parser.add_argument("--api", choices=("emulated", "real"), default="emulated")
    parser.add_argument("--rate", type=float, default=20.0, help="admission reviews per second")
    parser.add_argument("--idle", type=int, default=2000, help="idle connections of the flood")
    parser.add_argument(
        "--warm-up", type=float, help="seconds before the first fault (default: a fifth of the run)"
    )
    args = parser.parse_args()
    args.warm_up = args.warm_up or max(MIN_WARM_UP, args.minutes * 60 / 5)
    if args.minutes * 60 < args.warm_up + len(FAULTS) * 20:
        parser.error(f"--minutes: at least {(args.warm_up + len(FAULTS) * 20) / 60:.1f}")
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        soak(args, Path(tmp))


if __name__ == "__main__":
    main()
