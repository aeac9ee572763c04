"""A block of consecutive free loopback ports, for tests of ``--base-port``."""

from __future__ import annotations

import socket
from contextlib import ExitStack


def free_block(size: int = 8) -> int:
    """A base port whose ``size`` consecutive ports are all free right now."""
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base: int = probe.getsockname()[1]
        if base + size > 65535:
            continue
        with ExitStack() as stack:
            try:
                for port in range(base, base + size):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return base
    raise RuntimeError(f"no block of {size} free loopback ports found")
