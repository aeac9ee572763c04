"""Two replicas of watch and two of reconcile on real Leases: one leader each; when the leader is
killed (SIGKILL: no release), the other takes over within lease duration + renew period."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from tests.e2e_real.conftest import SparePlane
from tests.e2e_real.real_support import Kubectl, fresh_namespace
from tests.support.processes import Component
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e_real

LEASE_DURATION = 15.0
"""Both components' default lease duration (s); they renew every third of it (5 s)."""
RENEW_PERIOD = 5.0


@contextmanager
def replicas(
    make: Callable[[str], list[str]], names: tuple[str, ...]
) -> Iterator[dict[str, Component]]:
    """Start one component process per name; on exit the survivors get SIGTERM and must exit 0."""
    running = {name: Component(make(name)) for name in names}
    codes: list[int] = []
    try:
        yield running
    finally:
        for component in running.values():
            if component.process.poll() is None:
                codes.append(component.stop())
            component.close()
        assert all(c.process.poll() is not None for c in running.values())
    assert codes == [0] * len(codes)


def holder(kubectl: Kubectl, ns: str, lease: str) -> str:
    got = kubectl.run("get", "lease", lease, "-n", ns, "-o", "jsonpath={.spec.holderIdentity}",
                      check=False)  # fmt: skip
    return got.stdout.strip() if got.returncode == 0 else ""


def exports_scores(component: Component) -> bool:
    with urllib.request.urlopen(f"{component.url}/metrics", timeout=5) as answer:
        return b"\ncluster_health_score " in b"\n" + answer.read()


def _led(running: dict[str, Component], identity: str) -> str:
    """The replica that logged becoming leader as ``identity`` ("" if none yet)."""
    for name, component in running.items():
        if any(r.get("identity") == identity for r in component.logged("became leader")):
            return name
    return ""


def test_one_leader_each_and_failover_within_the_lease(spare_plane: SparePlane) -> None:
    kubectl, config = spare_plane.kubectl, str(spare_plane.info.admin_kubeconfig)
    with fresh_namespace(kubectl, "lease") as ns:

        def watch(name: str) -> list[str]:
            return ["watch", "--host", "127.0.0.1", "--port", "0", "--lease-namespace", ns,
                    "--identity", name, "--kubeconfig", config]  # fmt: skip

        def reconcile(_name: str) -> list[str]:
            return ["reconcile", "--host", "127.0.0.1", "--port", "0", "--lease-namespace", ns,
                    "--kubeconfig", config]  # fmt: skip

        with replicas(watch, ("watch-a", "watch-b")) as watches, \
                replicas(reconcile, ("one", "two")) as reconciles:  # fmt: skip
            w_leader = wait_until(
                lambda: holder(kubectl, ns, "kube-devops-watch"), 30, "watch lease", every=0.25
            )
            r_leader = wait_until(
                lambda: holder(kubectl, ns, "kube-devops-reconcile"),
                30,
                "reconcile lease",
                every=0.25,
            )
            # exactly one leader each: the watch leader alone exports the governance series
            wait_until(
                lambda: exports_scores(watches[w_leader]), 20, "leader exports scores", every=0.25
            )
            (w_follower,) = set(watches) - {w_leader}
            assert not exports_scores(watches[w_follower])
            r_name = wait_until(
                lambda: _led(reconciles, r_leader), 10, "reconcile leader logged", every=0.25
            )
            (r_follower,) = set(reconciles) - {r_name}
            assert len(reconciles[r_name].logged("became leader")) == 1
            assert reconciles[r_follower].logged("became leader") == []

            killed = time.monotonic()
            watches[w_leader].kill()
            reconciles[r_name].kill()
            wait_until(lambda: holder(kubectl, ns, "kube-devops-watch") == w_follower, 40,
                     "watch failover", every=0.1)  # fmt: skip
            wait_until(
                lambda: exports_scores(watches[w_follower]),
                10,
                "new leader exports scores",
                every=0.25,
            )
            watch_failover = time.monotonic() - killed
            wait_until(lambda: reconciles[r_follower].logged("became leader"), 40,
                     "reconcile failover", every=0.1)  # fmt: skip
            reconcile_failover = time.monotonic() - killed
            bound = LEASE_DURATION + RENEW_PERIOD
            print(f"\nleader failover: watch {watch_failover:.1f} s, "
                  f"reconcile {reconcile_failover:.1f} s (bound {bound:g} s)")  # fmt: skip
            assert watch_failover <= LEASE_DURATION + RENEW_PERIOD
            assert reconcile_failover <= LEASE_DURATION + RENEW_PERIOD
            assert holder(kubectl, ns, "kube-devops-reconcile") != r_leader
