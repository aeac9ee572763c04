"""``--base-port`` places every port of the sandbox."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kube_devops.core.catalog import Component
from kube_devops.sandbox.free_ports import free_block
from kube_devops.sandbox.ports import PortBusyError, check_free, sandbox_ports


def test_a_base_port_places_all_eight_ports_in_order() -> None:
    ports = sandbox_ports(20000)
    assert ports.components == {
        Component.WATCH: 20000,
        Component.RECONCILE: 20001,
        Component.WEBHOOK: 20002,
    }
    assert (ports.prometheus, ports.api) == (20003, 20004)
    assert (ports.etcd, ports.etcd_peer, ports.controller_manager) == (20005, 20006, 20007)


def test_no_base_port_keeps_the_contract_ports_of_the_components() -> None:
    ports = sandbox_ports(None)
    assert ports.components == {
        Component.WATCH: 8080,
        Component.RECONCILE: 9090,
        Component.WEBHOOK: 8443,
    }
    others = {ports.prometheus, ports.api, ports.etcd, ports.etcd_peer, ports.controller_manager}
    assert len(others) == 5
    assert not others & {8080, 9090, 8443}


def test_base_port_zero_gives_eight_free_ports() -> None:
    ports = sandbox_ports(0)
    everything = [*ports.components.values(), ports.prometheus, ports.api, ports.etcd]
    assert all(port > 1024 for port in everything)


@pytest.mark.parametrize(("base", "message"), [(-1, "use 0"), (65530, "needs 8 ports")])
def test_a_base_port_out_of_range_is_refused(base: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sandbox_ports(base)


def _ephemeral_low() -> int:
    return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])


def test_free_ports_are_drawn_below_the_ephemeral_range() -> None:
    # An outgoing connection (a component calling the API) takes its local port from the
    # ephemeral range; a server port picked there can be taken before the server binds it.
    ports = sandbox_ports(0)
    everything = [*ports.components.values(), ports.prometheus, ports.api, ports.etcd,
                  ports.etcd_peer, ports.controller_manager]  # fmt: skip
    assert max(everything) < _ephemeral_low()
    assert everything == list(range(everything[0], everything[0] + 8))


def test_a_free_block_is_bindable_port_by_port() -> None:
    base = free_block(8)
    assert 10000 <= base < _ephemeral_low() - 8
    for port in range(base, base + 8):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_the_ports_opened_depend_on_the_api() -> None:
    ports = sandbox_ports(20000)
    assert ports.opened(real=False) == {
        "watch": 20000, "reconcile": 20001, "webhook": 20002, "Prometheus": 20003,
        "the Kubernetes API": 20004,
    }  # fmt: skip
    real = ports.opened(real=True)
    assert [real["etcd"], real["etcd's peer port"], real["kube-controller-manager"]] == [
        20005, 20006, 20007,
    ]  # fmt: skip


def test_a_busy_port_is_named_with_what_to_do() -> None:
    base = free_block(2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", base + 1))
        taken.listen()
        check_free({"watch": base})  # free
        with pytest.raises(PortBusyError) as caught:
            check_free({"watch": base, "Prometheus": base + 1})
    assert str(caught.value) == (
        f"port {base + 1} (for Prometheus) is already in use (Address already in use); stop what"
        " listens there, or give the sandbox other ports with --base-port N (N..N+7 free) or"
        " --base-port 0 (free ports)"
    )
