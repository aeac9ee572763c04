"""``--base-port`` places every port of the sandbox."""

from __future__ import annotations

import pytest

from kube_devops.core.catalog import Component
from kube_devops.sandbox.ports import sandbox_ports


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
