"""Malformed HTTP and clients gone mid-request: one warning line each, no traceback, no body."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

import pytest

from tests.components.webhook.webhook_support import RunningWebhook, running_webhook

SECRET = "s3cr3t-payload"

#: What a hostile or unlucky client sends before it goes away.
ABUSE = [
    # a header name with a control character
    f"POST /validate HTTP/1.1\r\nHost: x\r\nX-Bad\x01: {SECRET}\r\n\r\n".encode(),
    # a chunked body whose chunk size is not hexadecimal
    f"POST /validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{SECRET}\r\n"
    .encode(),
    # a body announced as 100 bytes, then the client disconnects after 30
    b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    + f'{{"request": "{SECRET}"'.encode(),
]  # fmt: skip


async def _synced_empty(cache: Any) -> None:
    cache.resync([])
    await asyncio.Event().wait()


async def _send_and_leave(hook: RunningWebhook, data: bytes) -> None:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", hook.port, ssl=hook.client_context()
    )
    writer.write(data)
    await writer.drain()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader.read(65536), 0.3)  # a 400, or nothing yet
    writer.transport.abort()
    await asyncio.sleep(0.2)


@pytest.mark.parametrize("data", ABUSE, ids=["bad-header", "bad-chunk", "gone-mid-body"])
async def test_protocol_abuse_logs_one_warning_line_without_the_body(
    data: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_webhook(tmp_path, feed=_synced_empty) as hook:
        await asyncio.sleep(0.1)
        caplog.clear()
        await _send_and_leave(hook, data)
        records = [r for r in caplog.records if r.levelno >= logging.WARNING]

    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "\n" not in record.getMessage()
    assert SECRET not in record.getMessage()
    assert "127.0.0.1" in record.getMessage() or getattr(record, "peer", "") == "127.0.0.1"
