"""A block of consecutive free loopback ports, for tests of ``--base-port``."""

from __future__ import annotations

from kube_devops.sandbox.free_ports import free_block as _free_block


def free_block(size: int = 8) -> int:
    """A base port whose ``size`` consecutive ports are all free right now."""
    return _free_block(size)
