"""What the runtime changes in other code's internals, in one room (canary: test_thirdparty).

- ``shrink_tls_read_buffers()``: asyncio's ``SSLProtocol`` (CPython 3.11 to 3.13) gives every
  TLS connection a read buffer of ``SSLProtocol.max_size`` bytes, 256 KiB, filled with zeros at
  once: 2,000 idle connections cost 500 MiB for buffers that a socket read of at most one TLS
  record (16 KiB) never needs. The class attribute is lowered to :data:`TLS_READ_BUFFER`; reads
  then take at most that much per call, which only means more calls for large bodies.
- ``release_free_memory()``: glibc keeps memory freed in the middle of its heap (the buffers
  and objects of connections closed in any order) mapped; ``malloc_trim(0)`` gives the free
  pages back to the system. Does nothing where the C library has no ``malloc_trim``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from asyncio import sslproto
from collections.abc import Callable

#: Bytes a TLS connection reads from its socket at a time: one TLS record plus its overhead.
TLS_READ_BUFFER = 16 * 1024 + 512


def shrink_tls_read_buffers(size: int = TLS_READ_BUFFER) -> None:
    """Make asyncio's TLS connections made from now on allocate ``size``-byte read buffers."""
    sslproto.SSLProtocol.max_size = size


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system; True when ``malloc_trim`` was called."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    return trim
