"""Every loopback port the sandbox opens, placed by one ``--base-port`` setting.

With a base port N the sandbox uses N .. N+7 in this order: watch, reconcile, webhook,
Prometheus, the Kubernetes API (emulator or kube-apiserver), and with ``--api real`` etcd's
client and peer ports and kube-controller-manager's health port. Without a base port the
components keep their contract ports (8080/9090/8443) and the rest are free ports;
with 0 the sandbox takes a block of eight free ports below the kernel's ephemeral range.
:func:`check_free` refuses, before anything starts, ports that something already listens on.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from kube_devops.core.catalog import PORTS, Component
from kube_devops.sandbox.free_ports import free_block

#: How many consecutive ports a base port reserves.
SPAN = 8


@dataclass(frozen=True, slots=True)
class SandboxPorts:
    """The ports of one sandbox run."""

    components: dict[Component, int]
    prometheus: int
    api: int
    """The emulator, or kube-apiserver's secure port."""
    etcd: int
    etcd_peer: int
    controller_manager: int

    def opened(self, real: bool) -> dict[str, int]:
        """Every port the sandbox opens, by what opens it (``real``: the real control plane)."""
        named = {component.value: port for component, port in self.components.items()}
        named |= {"Prometheus": self.prometheus, "the Kubernetes API": self.api}
        if real:
            named |= {"etcd": self.etcd, "etcd's peer port": self.etcd_peer}
            named["kube-controller-manager"] = self.controller_manager
        return named


class PortBusyError(RuntimeError):
    """A port the sandbox needs is taken; the message names it and what to do."""


def check_free(ports: dict[str, int]) -> None:
    """PortBusyError naming the first port something already listens on (loopback)."""
    for name, port in ports.items():
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as err:
                raise PortBusyError(
                    f"port {port} (for {name}) is already in use ({err.strerror}); stop what "
                    f"listens there, or give the sandbox other ports with --base-port N "
                    f"(N..N+{SPAN - 1} free) or --base-port 0 (free ports)"
                ) from None


def sandbox_ports(base_port: int | None) -> SandboxPorts:
    """The ports for a ``base_port`` setting (see the module docstring)."""
    if base_port is not None and base_port < 0:
        raise ValueError(f"base port {base_port}: use 0 (free ports) or 1..{65535 - SPAN + 1}")
    if base_port is not None and base_port > 65535 - SPAN + 1:
        raise ValueError(f"base port {base_port}: the sandbox needs {SPAN} ports from it")
    if base_port is None:
        n = iter(range(free_block(5), 65536))
        components = dict(PORTS)
    else:
        n = iter(range(base_port or free_block(SPAN), 65536))
        components = {component: next(n) for component in Component}
    return SandboxPorts(components, *(next(n) for _ in range(5)))
