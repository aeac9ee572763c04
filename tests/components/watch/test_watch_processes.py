"""Real ``kube-devops watch`` processes: one leader, failover, graceful SIGTERM, promtool."""

from __future__ import annotations

import http.client
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from kubernetes import client

from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body
from tests.support.processes import Component
from tests.support.waiting import wait_until

LEASE = 3.0  # renew period 1 s, follower retry 0.5 s
Launch = Callable[[str], Component]
"""Starts a watch replica with the given identity."""


@pytest.fixture
def start(kube_emulator: KubeEmulator) -> Iterator[Launch]:
    started: list[Component] = []

    def launch(identity: str) -> Component:
        args = ["watch", "--host", "127.0.0.1", "--port", "0", "--identity", identity]
        args += ["--lease-name", "test-watch", "--lease-duration", str(LEASE)]
        args += ["--watch-timeout", "5", "--kubeconfig", str(kube_emulator.kubeconfig)]
        component = Component(args)
        started.append(component)
        return component

    yield launch
    for component in started:
        component.close()


def _metrics(component: Component) -> str:
    with urllib.request.urlopen(f"{component.url}/metrics", timeout=2) as answer:
        return str(answer.read().decode())


def _leaders(*components: Component) -> list[Component]:
    return [c for c in components if "\ncluster_health_score " in _metrics(c)]


def _time_until_leader(component: Component, within: float) -> float:
    began = time.monotonic()
    wait_until(lambda: _leaders(component) == [component], within, "takeover")
    return time.monotonic() - began


def test_one_leader_failover_after_kill_and_handover_on_sigterm(start: Launch) -> None:
    a, b = start("replica-a"), start("replica-b")
    wait_until(lambda: len(_leaders(a, b)) == 1, 10, "a first leader")
    for _ in range(20):  # two seconds of samples, longer than a renew period
        assert len(_leaders(a, b)) == 1
        time.sleep(0.1)
    leader, follower = (a, b) if _leaders(a, b) == [a] else (b, a)

    leader.kill()
    assert _time_until_leader(follower, within=LEASE + 2) <= LEASE + 1.0  # duration + renew

    third = start("replica-c")
    wait_until(lambda: "pod_events_total" in _metrics(third), 10, "third replica serving")
    assert _leaders(follower, third) == [follower]
    signalled = time.monotonic()
    assert follower.stop() == 0
    assert time.monotonic() - signalled < 5
    assert follower.logged("lease released")
    assert _time_until_leader(third, within=2.0) < 1.0


def test_sigterm_answers_in_flight_scrapes_and_exits_0(start: Launch) -> None:
    watch = start("solo")
    port = watch.port
    wait_until(lambda: "cluster_health_score" in _metrics(watch), 10, "leading")
    outcomes: list[tuple[float, str]] = []  # (when the connection was accepted, result)
    running = threading.Event()
    running.set()

    def scrape_forever() -> None:
        while running.is_set():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.connect()
            except OSError:
                continue  # not accepted: the listener is closed
            connected = time.monotonic()
            try:
                connection.request("GET", "/metrics")
                answer = connection.getresponse()
                answer.read()
                outcomes.append((connected, str(answer.status)))
            except (OSError, http.client.HTTPException) as err:
                outcomes.append((connected, f"broken: {err!r}"))
            finally:
                connection.close()

    threads = [threading.Thread(target=scrape_forever) for _ in range(4)]
    for thread in threads:
        thread.start()

    # keep scraping: requests are in flight when the signal lands, after 20 accepted earlier
    # than the 50 ms margin below
    def settled() -> bool:
        return len([c for c, _ in outcomes if c < time.monotonic() - 0.1]) >= 20

    wait_until(settled, 10, "20 scrapes accepted 100 ms ago")
    signalled = time.monotonic()
    code = watch.stop()
    elapsed = time.monotonic() - signalled
    running.clear()
    for thread in threads:
        thread.join(10)
    assert code == 0
    assert elapsed < 5
    # Connections accepted before the signal (50 ms margin for the kernel's accept queue) must
    # all be answered; later ones may be refused or reset, the listener being closed.
    before = [result for connected, result in outcomes if connected < signalled - 0.05]
    assert len(before) >= 20
    assert set(before) == {"200"}
    assert watch.logged("shutting down")


def test_sigint_stops_like_sigterm(start: Launch) -> None:
    watch = start("solo")
    wait_until(lambda: "cluster_health_score" in _metrics(watch), 10, "leading")
    signalled = time.monotonic()
    assert watch.stop(sig=signal.SIGINT) == 0
    assert time.monotonic() - signalled < 5
    assert watch.logged("lease released")


def test_promtool_reports_only_the_historical_total_gauges(
    start: Launch, kube_emulator: KubeEmulator
) -> None:
    pod = {
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "app", "image": "nginx"}]},
    }
    kube_emulator.core.create_namespaced_pod("default", body(client.V1Pod, pod))
    watch = start("solo")
    wait_until(lambda: 'namespace_health_score{namespace="default"}' in _metrics(watch), 10)
    text = _metrics(watch)
    checked = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    problems = sorted(line for line in (checked.stdout + checked.stderr).splitlines() if line)
    assert problems == ['pods_tracked_total non-counter metrics should not have "_total" suffix']
