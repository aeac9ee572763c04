"""Running the ``Emulator`` for synchronous code and tests, and the kubeconfig that reaches it.

- ``EmulatorThread`` — serves an ``Emulator`` on loopback from a background thread and offers
  thread-safe helpers that run on the emulator's loop;
- ``write_kubeconfig(path, server, namespace)`` — a kubeconfig whose only context ``kmock``
  points at ``server``.
"""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import kmock
import yaml

from kube_devops.core.bodies import JsonDict

from .server import Emulator

_T = TypeVar("_T")


class EmulatorThread:
    """An ``Emulator`` served on loopback from a background thread (for sync code and tests)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.host, self._port, self._options = host, port, options
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stack: Any = None
        self.emulator: Emulator | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Base URL of the emulated API server."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorThread:
        """Start serving; returns self once the port is bound."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._enter(), self._loop).result(10)
        return self

    async def _enter(self) -> None:
        self.emulator = Emulator(**self._options)
        server = kmock.Server(self.emulator, host=self.host, port=self._port or None)
        await self.emulator.__aenter__()
        await server.__aenter__()
        self._stack = server
        self.port = server.port

    async def _exit(self) -> None:
        assert self.emulator is not None
        await self.emulator.end_watches()
        await self._stack.__aexit__(None, None, None)
        await self.emulator.__aexit__(None, None, None)

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._stack is not None:
            asyncio.run_coroutine_threadsafe(self._exit(), self._loop).result(10)
            self._stack = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> EmulatorThread:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def call(self, fn: Callable[[Emulator], _T]) -> _T:
        """Run ``fn(emulator)`` on the emulator's loop and return its result."""

        async def run() -> _T:
            assert self.emulator is not None
            return fn(self.emulator)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def call_async(self, fn: Callable[[Emulator], Awaitable[_T]]) -> _T:
        """Run the coroutine ``fn(emulator)`` on the emulator's loop and return its result."""

        async def run() -> _T:
            assert self.emulator is not None
            return await fn(self.emulator)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def seed(self, resource: str, obj: JsonDict) -> JsonDict:
        """Create ``obj`` in the store directly (stamped; watchers see ADDED)."""
        return self.call_async(lambda emu: emu.seed(resource, copy.deepcopy(obj)))

    def seed_namespace(self, name: str, labels: Mapping[str, str] | None = None) -> JsonDict:
        """Store a Namespace (kmock cannot create namespaces over HTTP)."""
        obj: JsonDict = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        if labels:
            obj["metadata"]["labels"] = dict(labels)
        obj["status"] = {"phase": "Active"}
        return self.seed("v1/namespaces", obj)

    def objects(self, resource: str, namespace: str | None = None) -> list[JsonDict]:
        """Snapshot of the live objects of ``resource`` (optionally in one namespace)."""
        res = kmock.resource(resource)

        def snapshot(emu: Emulator) -> list[JsonDict]:
            return [
                copy.deepcopy(obj.raw)
                for (r, ns, _), obj in emu.objects.items()
                if r == res and not obj.deleted and (namespace is None or ns == namespace)
            ]

        return self.call(snapshot)

    def compact(self) -> None:
        """Make every watch resume answer 410 Gone (see ``Emulator.compact``)."""
        self.call_async(lambda emu: emu.compact())

    def drop_watches(self) -> int:
        """Cut all open watch connections."""
        return self.call(lambda emu: emu.drop_watches())

    def write_kubeconfig(self, path: Path, namespace: str = "default") -> Path:
        """Write a kubeconfig for this emulator to ``path`` (context ``kmock``)."""
        return write_kubeconfig(path, self.url, namespace)


def write_kubeconfig(path: Path, server: str, namespace: str = "default") -> Path:
    """Write a kubeconfig whose only context ``kmock`` points at ``server``."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "kmock", "cluster": {"server": server}}],
        "users": [{"name": "kmock", "user": {"token": "kmock"}}],
        "contexts": [
            {
                "name": "kmock",
                "context": {"cluster": "kmock", "user": "kmock", "namespace": namespace},
            }
        ],
        "current-context": "kmock",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
