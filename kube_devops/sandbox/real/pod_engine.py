"""The pod side of the node simulator: a watch handler that keeps the last-seen pods, and workers
that take each changed pod's :func:`~kube_devops.sandbox.real.decisions.decide` step through the
API (bind, report status, confirm deletion).

The engine is watch-driven: it acts on list and watch events, and on timers that a decision asks
for (a readiness delay, the next crash); it never polls pods.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import logging
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from kube_devops.kube import nodes as kubelet
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Conflict, KubeError, NotFound
from kube_devops.sandbox.real import pod_status
from kube_devops.sandbox.real.behaviour import Behaviour, behaviour_of
from kube_devops.sandbox.real.decisions import (
    TERMINAL_PHASES,
    NodeView,
    Step,
    decide,
    unschedulable_message,
)
from kube_devops.sandbox.real.node_objects import NODE_IP
from kube_devops.sandbox.real.workqueue import KeyQueue

Obj = dict[str, Any]
log = logging.getLogger(__name__)


def pod_key(pod: Obj) -> str:
    """``namespace/name`` of a pod."""
    meta = pod.get("metadata") or {}
    return f"{meta.get('namespace')}/{meta.get('name')}"


class PodEngine:
    """Watch handler and workers (see the module docstring)."""

    def __init__(
        self,
        client: KubeClient,
        node_labels: Mapping[str, Mapping[str, str]],
        *,
        crash_period: float,
        pod_network: str,
    ) -> None:
        self.client, self.node_labels, self.crash_period = client, node_labels, crash_period
        self.pods: dict[str, Obj] = {}
        self.queue = KeyQueue()
        self.steps: Counter[Step] = Counter()
        """How many times each step was taken (for tests and logs)."""
        self.listed = asyncio.Event()
        """Set once the first pod list has been received."""
        self._addresses: Iterator[ipaddress.IPv4Address | ipaddress.IPv6Address] = iter(
            ipaddress.ip_network(pod_network).hosts()
        )

    # -- WatchHandler ----------------------------------------------------------------------------

    def resync(self, items: list[Obj]) -> None:
        """Replace the known pods after a (re)list and look at every one of them."""
        self.pods = {pod_key(pod): pod for pod in items}
        for key in self.pods:
            self.queue.add(key)
        self.listed.set()

    def apply(self, event_type: str, obj: Obj) -> None:
        """Record one pod event and queue the pod."""
        key = pod_key(obj)
        if event_type == "DELETED":
            self.pods.pop(key, None)
            return
        self._remember(obj)
        self.queue.add(key)

    # -- workers ---------------------------------------------------------------------------------

    async def work(self) -> None:
        """Handle queued pods until cancelled."""
        while True:
            key = await self.queue.get()
            try:
                await self._handle(key)
            except KubeError as err:
                log.warning("pod step failed", extra={"pod": key, "error": str(err)})
                asyncio.get_running_loop().call_later(1.0, self.queue.add, key)
            finally:
                self.queue.done(key)

    async def _handle(self, key: str) -> None:
        pod = self.pods.get(key)
        if pod is None:
            return
        behaviour = _behaviour(pod)
        now = dt.datetime.now(dt.UTC)
        decision = decide(pod, behaviour, self._view(), now, self.crash_period)
        if decision.recheck_in is not None:
            delay = decision.recheck_in + 0.05
            asyncio.get_running_loop().call_later(delay, self.queue.add, key)
        if decision.step is not Step.NOTHING:
            await self._take(decision.step, decision.node, pod, behaviour, now)
            self.steps[decision.step] += 1

    async def _take(
        self, step: Step, node: str | None, pod: Obj, behaviour: Behaviour, now: dt.datetime
    ) -> None:
        meta = pod["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        if step is Step.BIND and node is not None:
            await self._bind(pod, node)
        elif step is Step.DELETE:
            with contextlib.suppress(NotFound, Conflict):  # gone, or a new pod of that name
                await kubelet.confirm_pod_deletion(self.client, namespace, name, meta["uid"])
        else:
            status = self._status(step, pod, behaviour, now)
            self._remember(await kubelet.report_pod_status(self.client, namespace, name, status))

    async def _bind(self, pod: Obj, node: str) -> None:
        meta = pod["metadata"]
        try:
            await kubelet.bind_pod(self.client, meta["namespace"], meta["name"], node)
        except Conflict:
            return  # bound meanwhile; the watch event brings the pod as it is now
        bound = {**pod, "spec": {**pod.get("spec", {}), "nodeName": node}}
        self.pods[pod_key(pod)] = bound  # counted on its node until the watch event arrives

    def _status(self, step: Step, pod: Obj, behaviour: Behaviour, now: dt.datetime) -> Obj:
        if step is Step.UNSCHEDULABLE:
            return pod_status.unschedulable(
                pod, unschedulable_message(pod, self._view(), behaviour)
            )
        if step is Step.START:
            started = pod_status.started(pod, self._next_ip(), NODE_IP, now)
            if behaviour is Behaviour.CRASH_LOOP:
                return pod_status.crashed({**pod, "status": started}, now)
            return started
        if step is Step.FINISH:
            succeeded = behaviour is Behaviour.SUCCEED
            return pod_status.finished(pod, succeeded, self._next_ip(), NODE_IP, now)
        if step is Step.CRASH:
            return pod_status.crashed(pod, now)
        return pod_status.readiness_refreshed(pod, now)

    # -- state -----------------------------------------------------------------------------------

    def _remember(self, pod: Obj) -> None:
        """Keep ``pod`` unless a newer version of it is known already."""
        key = pod_key(pod)
        known = self.pods.get(key)
        if known is None or not _older(pod, known):
            self.pods[key] = pod

    def _view(self) -> NodeView:
        load: Counter[str] = Counter()
        for pod in self.pods.values():
            node = (pod.get("spec") or {}).get("nodeName")
            if node and (pod.get("status") or {}).get("phase") not in TERMINAL_PHASES:
                load[node] += 1
        return NodeView(self.node_labels, load)

    def _next_ip(self) -> str:
        return str(next(self._addresses))


def _behaviour(pod: Obj) -> Behaviour:
    try:
        return behaviour_of(pod)
    except ValueError as err:
        log.error("%s; running it as a healthy pod", err)
        return Behaviour.RUN


def _older(candidate: Obj, known: Obj) -> bool:
    """Whether ``candidate`` is an older version of the same pod than ``known``."""
    if (candidate.get("metadata") or {}).get("uid") != (known.get("metadata") or {}).get("uid"):
        return False
    new = str((candidate.get("metadata") or {}).get("resourceVersion") or "")
    old = str((known.get("metadata") or {}).get("resourceVersion") or "")
    return new.isdigit() and old.isdigit() and int(new) < int(old)
