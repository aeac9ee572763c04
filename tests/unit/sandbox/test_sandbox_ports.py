"""``--base-port`` places every port of the sandbox."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kube_devops.core.catalog import Component
from kube_devops.sandbox.ports import sandbox_ports
from kube_devops.verify.prometheus import free_block


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
