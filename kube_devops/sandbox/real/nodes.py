"""The node simulator: fake kubelets and a scheduler for a real control plane without machines.

``NodeSimulator(NodeSimulatorSettings(kubeconfig=...))`` registers ``nodes`` Ready Nodes (address
``127.0.0.1``, capacity and allocatable, a Lease in ``kube-node-lease`` renewed every few seconds
and condition heartbeats, so the node-lifecycle controller never taints them), then list+watches
pods: it binds unbound pods (``pods/binding``), reports their containers running and ready
(``pods/status``), restarts crash-looping ones, leaves ``pending`` ones Pending, finishes
``succeed``/``fail`` ones, and confirms the deletion of terminating pods (grace period 0), as
kubelets would. What each pod does comes from the annotation described in
:mod:`kube_devops.sandbox.real.behaviour`.

``start()`` returns once every Node is registered, Ready and untainted (kube-controller-manager's
node-lifecycle controller removes the ``not-ready`` taint new Nodes get) and the pods are listed;
``stop()`` ends it cleanly. It runs on its own event loop in a thread; use it as a context
manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.resources import PODS
from kube_devops.kube.watch import Watcher, WatchSettings
from kube_devops.sandbox.real.kubelets import Kubelets
from kube_devops.sandbox.real.pod_engine import PodEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NodeSimulatorSettings:
    """What the node simulator simulates and how often."""

    kubeconfig: Path
    """Kubeconfig of the control plane; its identity needs nodes, leases in kube-node-lease,
    pods, pods/binding, pods/status (the admin's does)."""
    nodes: int = 2
    """How many Nodes to register."""
    name_prefix: str = "sim-node"
    """Nodes are named ``<prefix>-0``, ``<prefix>-1`` ..."""
    kubelet_version: str = "v1.37.2"
    """``status.nodeInfo.kubeletVersion`` of the Nodes (the control plane's release)."""
    lease_duration: int = 40
    """``leaseDurationSeconds`` of each node Lease (the kubelet's default)."""
    lease_renew_period: float = 3.0
    """Seconds between Lease renewals."""
    status_period: float = 10.0
    """Seconds between Node status heartbeats (``lastHeartbeatTime`` of every condition)."""
    crash_period: float = 5.0
    """Seconds between two restarts of a crash-looping pod's containers."""
    pod_network: str = "10.244.0.0/16"
    """Pod IPs are handed out from this network in order."""
    workers: int = 4
    """Pods handled at once."""
    start_timeout: float = 30.0
    """Seconds ``start()`` waits for the Nodes to be Ready and the pods listed."""


class NodeSimulator:
    """The running simulator (see the module docstring)."""

    def __init__(self, settings: NodeSimulatorSettings) -> None:
        self.settings = settings
        self.node_names = [f"{settings.name_prefix}-{i}" for i in range(settings.nodes)]
        self.engine: PodEngine | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="node-simulator", daemon=True)

    def start(self) -> NodeSimulator:
        """Register the Nodes and start handling pods; returns once they are Ready."""
        self._thread.start()
        if not self._ready.wait(self.settings.start_timeout):
            self.stop()
            raise TimeoutError(
                f"node simulator: nodes not Ready and pods not listed within "
                f"{self.settings.start_timeout:g}s; is the API server at "
                f"{self.settings.kubeconfig} up?"
            )
        if self._failure is not None:
            self._thread.join(5)
            raise RuntimeError(f"node simulator failed to start: {self._failure}") from (
                self._failure
            )
        return self

    def stop(self) -> None:
        """Stop handling pods and heartbeats; waits for the thread (the Nodes stay registered)."""
        loop, main = self._loop, self._main
        if loop is not None and main is not None:
            with contextlib.suppress(RuntimeError):  # the loop has finished already
                loop.call_soon_threadsafe(main.cancel)
        if self._thread.is_alive():
            self._thread.join(15)

    @property
    def running(self) -> bool:
        """Whether the simulator's thread is alive."""
        return self._thread.is_alive()

    def __enter__(self) -> NodeSimulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._guarded(self._simulate()))

    async def _guarded(self, work: Coroutine[Any, Any, None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._main = asyncio.current_task()
        try:
            await work
        except asyncio.CancelledError:
            pass
        except Exception as err:  # before start() returned: raised there; afterwards: logged
            if self._ready.is_set():
                log.exception("node simulator stopped on an error")
            self._failure = err
        finally:
            self._ready.set()

    async def _simulate(self) -> None:
        s = self.settings
        client = KubeClient.from_config(ClusterConfig(str(s.kubeconfig)), request_timeout=10.0)
        try:
            kubelets = Kubelets(client, self.node_names, s)
            await kubelets.register()
            self.engine = PodEngine(
                client, kubelets.labels, crash_period=s.crash_period, pod_network=s.pod_network
            )
            watcher = Watcher(client, PODS, settings=WatchSettings(timeout_seconds=30))
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(kubelets.heartbeat())
                tasks.create_task(watcher.run(self.engine.cache))
                for _ in range(s.workers):
                    tasks.create_task(self.engine.work())
                async with asyncio.timeout(s.start_timeout):
                    await self.engine.cache.listed.wait()
                self._ready.set()
        finally:
            client.close()
