"""One watch response read line by line in a daemon thread and handed to the event loop.

Public API:

- ``WatchStream(client, path, query)`` — ``start(loop, read_timeout)`` opens the watch
  (``KubeClient.open_stream``) and pumps its items into ``queue`` from a daemon thread it
  returns: ``("open", None)`` once the response arrived, ``("event", dict)`` per JSON line,
  then ``("end", None)`` when the server ends the watch, or ``("error", KubeError)`` (a broken
  stream is a ``TransientError`` and marks the API server unreachable in ``client.contact``).
  ``close()`` stops delivering and unblocks the reader; ``opened`` is set by the consumer once
  it took the ``open`` item.

The reader thread owns the response: it alone reads and closes it, never returning a half-read
connection to the pool. ``close()`` (event loop side) only marks the stream closed and shuts the
socket down for reading so a blocked read returns; it never raises, so it cannot mask the error
(or cancellation) being propagated. Items for an event loop that has closed are dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import urllib3

from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import KubeError, TransientError

# The watcher's records keep the logger name they had before the stream had a module of its own.
log = logging.getLogger("kube_devops.kube.watch")


class WatchStream:
    """A watch response delivered to an asyncio queue (see the module docstring)."""

    def __init__(self, client: KubeClient, path: str, query: list[tuple[str, str]]) -> None:
        self.client, self.path, self.query = client, path, query
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._lock = threading.Lock()
        self._response: urllib3.response.BaseHTTPResponse | None = None
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.opened = False
        """Set by the event loop once the ``open`` item was taken from ``queue``."""

    def start(self, loop: asyncio.AbstractEventLoop, read_timeout: float) -> threading.Thread:
        """Open the watch and pump its events into ``queue`` from a (returned) daemon thread."""
        self._loop = loop
        name = f"watch {self.path}"
        thread = threading.Thread(target=self._read, args=(read_timeout,), name=name, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop delivering and unblock the reader thread; never raises."""
        with self._lock:
            self._closed = True
            response = self._response
        if response is not None:
            _shutdown(response, self.path)

    def _read(self, read_timeout: float) -> None:
        response: urllib3.response.BaseHTTPResponse | None = None
        try:
            response = self.client.open_stream(self.path, self.query, read_timeout)
            with self._lock:
                self._response = response
                if self._closed:
                    return
            self._put("open", None)
            for line in _lines(response):
                if not self._put("event", json.loads(line)):
                    return
            self._put("end", None)
        except KubeError as err:
            self._put("error", err)
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as err:
            if not self._closed:
                self.client.contact.failed()
            self._put("error", TransientError(f"watch stream broken: {err}", where=self.path))
        finally:
            if response is not None:
                _discard(response, self.path)

    def _put(self, kind: str, payload: Any) -> bool:
        """Hand one item to the event loop; False once closed or the loop is gone."""
        with self._lock:
            if self._closed or self._loop is None:
                return False
        try:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, (kind, payload))
        except RuntimeError:  # the event loop is closed: nobody is listening any more
            return False
        return True


def _shutdown(response: urllib3.response.BaseHTTPResponse, path: str) -> None:
    """Shut the socket down for reading; a response already read or released cannot be."""
    try:
        response.shutdown()
    except (RuntimeError, ValueError, OSError) as err:
        log.debug("watch socket not shut down", extra={"path": path, "error": str(err)})


def _discard(response: urllib3.response.BaseHTTPResponse, path: str) -> None:
    """Close a watch response and its connection (never returned half-read to the pool)."""
    try:
        response.close()
        response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError, ValueError, RuntimeError) as err:
        log.debug("watch response not closed cleanly", extra={"path": path, "error": str(err)})


def _lines(response: urllib3.response.BaseHTTPResponse) -> Iterator[bytes]:
    pending = b""
    chunks = response.read_chunked() if response.chunked else response.stream(65536)
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            if line.strip():
                yield line
    if pending.strip():
        yield pending
