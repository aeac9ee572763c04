"""Canary for ``runtime.thirdparty``: the internals it changes still work the way it assumes."""

from __future__ import annotations

import asyncio
import ssl
from asyncio import sslproto

from kube_devops.runtime.thirdparty import (
    TLS_READ_BUFFER,
    release_free_memory,
    shrink_tls_read_buffers,
)


async def test_tls_connections_get_the_smaller_read_buffer() -> None:
    before = sslproto.SSLProtocol.max_size
    shrink_tls_read_buffers()
    try:
        loop = asyncio.get_running_loop()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        waiter: asyncio.Future[None] = loop.create_future()
        proto = sslproto.SSLProtocol(loop, asyncio.Protocol(), context, waiter, server_side=True)
        buffer = proto.get_buffer(-1)
        proto.connection_lost(None)  # never connected: marks its transport closed
    finally:
        sslproto.SSLProtocol.max_size = before

    assert TLS_READ_BUFFER == 16_896
    assert len(buffer) == TLS_READ_BUFFER, (
        "asyncio.sslproto no longer sizes its read buffer from SSLProtocol.max_size: idle TLS"
        " connections cost 256 KiB each again; revisit runtime/thirdparty.py"
    )


def test_free_memory_is_given_back_with_malloc_trim() -> None:
    assert release_free_memory(), "no malloc_trim in this C library: memory is not given back"
