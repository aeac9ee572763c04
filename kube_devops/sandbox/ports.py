"""Every loopback port the sandbox opens, placed by one ``--base-port`` setting.

With a base port N the sandbox uses N .. N+7 in this order: watch, reconcile, webhook,
Prometheus, the Kubernetes API (emulator or kube-apiserver), and with ``--api real`` etcd's
client and peer ports and kube-controller-manager's health port. Without a base port the
components keep their contract ports (8080/9090/8443) and the rest are free ports;
with 0 the sandbox takes a block of eight free ports below the kernel's ephemeral range.
"""

from __future__ import annotations

from dataclasses import dataclass

from kube_devops.core.catalog import PORTS, Component
from kube_devops.verify.prometheus import free_block

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
