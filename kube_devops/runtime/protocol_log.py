"""aiohttp's server log, made fit for hostile clients: a protocol error is one warning line.

aiohttp reports a malformed request or a client gone mid-request with ``logger.exception``: an
error-level record with a traceback, whose message quotes the offending request bytes.
:data:`PROTOCOL_LOG` is the logger the runner hands to aiohttp instead of ``aiohttp.server``;
its filter turns such a record into one warning line naming the peer and the kind of error, cut
before any quoted bytes. Any other exception (a bug in a handler) keeps its level and traceback.
"""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web import RequestPayloadError

#: Longest reason kept from an exception's message (its first line).
MAX_REASON = 120

_CLIENT_FAULTS = (HttpProcessingError, RequestPayloadError, ConnectionError, EOFError)


def reason(err: BaseException) -> str:
    """``Kind: first line of the message`` without the request bytes aiohttp quotes after it."""
    text = err.message if isinstance(err, HttpProcessingError) else str(err)
    first = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    first = first.rstrip(":")
    if len(first) > MAX_REASON:
        first = first[: MAX_REASON - 3] + "..."
    return f"{type(err).__name__}: {first}" if first else type(err).__name__


class _ClientFaults(logging.Filter):
    """Rewrite records about a client's fault into one warning line (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        err = info[1] if info else None
        if not isinstance(err, _CLIENT_FAULTS):
            return True
        record.msg = f"{record.getMessage()}: {reason(err)}"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        return True


PROTOCOL_LOG = logging.getLogger("kube_devops.runtime.http")
PROTOCOL_LOG.addFilter(_ClientFaults())
