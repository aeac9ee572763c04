"""Loopback ports that are free, picked below the kernel's ephemeral range.

:func:`free_block` draws ``size`` consecutive ports that were all bindable a moment ago, and
:func:`free_port` one of them. The sandbox places its ports with them (:mod:`.ports`), and so do
tests and benchmarks that start servers of their own.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

#: Where the kernel takes the local ports of outgoing connections from, when it does not say.
_EPHEMERAL_DEFAULT = (32768, 60999)
#: The lowest port :func:`free_block` hands out.
_LOWEST = 10000


def free_port() -> int:
    """A loopback port that was free a moment ago (see :func:`free_block`)."""
    return free_block(1)


def free_block(size: int) -> int:
    """The first of ``size`` consecutive loopback ports that were all free a moment ago.

    The ports are drawn at random below the kernel's ephemeral range: outgoing connections (a
    component talking to the API, Prometheus scraping) take their local ports from that range,
    so a port picked there by binding port 0 can be taken by a client before our server binds
    it.
    """
    low, _high = _ephemeral_range()
    top = low - size if low - size > _LOWEST else 65535 - size
    for _attempt in range(200):
        base = random.randrange(_LOWEST, top)
        if all(_bindable(port) for port in range(base, base + size)):
            return base
    raise OSError(f"no block of {size} free loopback ports found from {_LOWEST}")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return _EPHEMERAL_DEFAULT


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
