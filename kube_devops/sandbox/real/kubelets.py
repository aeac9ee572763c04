"""The node side of the node simulator: register the Nodes, then keep them alive.

``Kubelets(client, names, settings)``: ``await register()`` creates (or refreshes) every Node and
its Lease and returns once the API server shows each Node Ready and untainted (that needs
kube-controller-manager's node-lifecycle controller); ``await heartbeat()`` then
renews the Leases every ``lease_renew_period`` and reports the Node status every
``status_period`` until cancelled, riding out API server outages (errors are logged, the next
beat tries again).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from kube_devops.kube import nodes as kubelet
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import KubeError
from kube_devops.kube.resources import NODES
from kube_devops.sandbox.real import node_objects

log = logging.getLogger(__name__)


class KubeletTiming(Protocol):
    """The settings fields the kubelets read (``NodeSimulatorSettings`` has them)."""

    @property
    def kubelet_version(self) -> str: ...
    @property
    def lease_duration(self) -> int: ...
    @property
    def lease_renew_period(self) -> float: ...
    @property
    def status_period(self) -> float: ...
    @property
    def start_timeout(self) -> float: ...


class Kubelets:
    """Every simulated node's registration and heartbeats."""

    def __init__(self, client: KubeClient, names: Sequence[str], timing: KubeletTiming) -> None:
        self.client, self.names, self.timing = client, list(names), timing
        self.labels = {name: node_objects.node_labels(name) for name in self.names}
        self._uids: dict[str, str] = {}
        self._since = _now()

    async def register(self) -> None:
        """Create or refresh every Node and Lease; wait until each Node reads Ready."""
        deadline = asyncio.get_running_loop().time() + self.timing.start_timeout
        for name in self.names:
            body = node_objects.node(name, self.timing.kubelet_version, _now())
            stored = await _retry(
                functools.partial(kubelet.register_node, self.client, body), deadline
            )
            self._uids[name] = stored["metadata"]["uid"]
            await self._renew(name)
        for name in self.names:
            await self._until_schedulable(name, deadline)

    async def _until_schedulable(self, name: str, deadline: float) -> None:
        """Wait until the Node reads Ready and untainted: the API server's TaintNodesByCondition
        admission puts ``node.kubernetes.io/not-ready:NoSchedule`` on every new Node, and the
        node-lifecycle controller of kube-controller-manager removes it once it sees Ready."""
        while True:
            node = await self.client.get(NODES, name)
            taints = (node.get("spec") or {}).get("taints") or []
            if _is_ready(node) and not taints:
                return
            if asyncio.get_running_loop().time() > deadline:
                keys = ", ".join(str(t.get("key")) for t in taints) or "none"
                raise RuntimeError(
                    f"node {name}: not Ready and untainted in time (taints: {keys}); is "
                    "kube-controller-manager running? Its node-lifecycle controller removes them"
                )
            await asyncio.sleep(0.25)

    async def heartbeat(self) -> None:
        """Renew Leases and report Node status until cancelled."""
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._every(self.timing.lease_renew_period, self._renew_all))
            tasks.create_task(self._every(self.timing.status_period, self._report_all))

    async def _every(self, period: float, beat: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(period)
            try:
                await beat()
            except KubeError as err:
                log.warning("node heartbeat failed", extra={"error": str(err)})

    async def _renew_all(self) -> None:
        for name in self.names:
            await self._renew(name)

    async def _renew(self, name: str) -> None:
        lease = node_objects.lease(name, self._uids[name], self.timing.lease_duration, _now())
        await kubelet.renew_lease(self.client, lease)

    async def _report_all(self) -> None:
        for name in self.names:
            version = self.timing.kubelet_version
            status = node_objects.node_status(name, version, _now(), self._since)
            await kubelet.report_node_status(self.client, name, status)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _is_ready(node: dict[str, Any]) -> bool:
    conditions = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


async def _retry(call: Callable[[], Awaitable[dict[str, Any]]], deadline: float) -> dict[str, Any]:
    """``call()``, retried every half second on transient errors until ``deadline``."""
    while True:
        try:
            return await call()
        except KubeError as err:
            if not err.transient or asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
