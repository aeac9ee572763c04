"""Two ``kube-devops watch`` processes given the same ``--identity``: the second refuses to run
(exit 1, one error line naming the identity, no traceback) and the first keeps leading."""

from __future__ import annotations

import urllib.request

from tests.support.emulator import KubeEmulator
from tests.support.processes import Component
from tests.support.waiting import wait_until


def _watch(kube_emulator: KubeEmulator) -> Component:
    args = ["watch", "--host", "127.0.0.1", "--port", "0", "--identity", "twin"]
    args += ["--lease-name", "twin-watch", "--lease-duration", "3", "--watch-timeout", "5"]
    return Component([*args, "--kubeconfig", str(kube_emulator.kubeconfig)])


def _leads(component: Component) -> bool:
    with urllib.request.urlopen(f"{component.url}/metrics", timeout=2) as answer:
        return "\ncluster_health_score " in answer.read().decode()


def test_a_second_replica_with_the_same_identity_exits_1(kube_emulator: KubeEmulator) -> None:
    first = _watch(kube_emulator)
    second: Component | None = None
    try:
        wait_until(lambda: _leads(first), 10, "the first replica leading")
        second = _watch(kube_emulator)
        assert second.process.wait(15) == 1  # the first renews every second
        errors = [r for r in second.records if r.get("level") == "error"]
        assert len(errors) == 1, "\n".join(second.raw[-20:])  # one line, not a traceback
        assert errors[0]["identity"] == "twin"
        assert "unique --identity" in errors[0]["msg"]
        assert not [r for r in second.records if "exc" in r]
        assert _leads(first)
        assert first.stop() == 0
    finally:
        first.close()
        if second is not None:
            second.close()
