"""The pod side of the node simulator: workers that take each changed pod's
:func:`~kube_devops.sandbox.real.decisions.decide` step through the API (bind, report status,
confirm deletion). The pods come from its :class:`~kube_devops.sandbox.real.pod_cache.PodCache`
(``engine.cache``, the watch handler).

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

from kube_devops.core.bodies import JsonDict
from kube_devops.kube import nodes as kubelet
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Conflict, KubeError, NotFound
from kube_devops.sandbox.real import pod_status
from kube_devops.sandbox.real.behaviour import Behaviour, behaviour_of
from kube_devops.sandbox.real.decisions import Step, decide, unschedulable_message
from kube_devops.sandbox.real.node_objects import NODE_IP
from kube_devops.sandbox.real.pod_cache import PodCache, pod_key

log = logging.getLogger(__name__)


class PodEngine:
    """Workers over a pod cache (see the module docstring)."""

    def __init__(
        self,
        client: KubeClient,
        node_labels: Mapping[str, Mapping[str, str]],
        *,
        crash_period: float,
        pod_network: str,
    ) -> None:
        self.client, self.crash_period = client, crash_period
        self.cache = PodCache(node_labels)
        """The watch handler: last-seen pods and the queue of pods to look at."""
        self.steps: Counter[Step] = Counter()
        """How many times each step was taken (for tests and logs)."""
        self._addresses: Iterator[ipaddress.IPv4Address | ipaddress.IPv6Address] = iter(
            ipaddress.ip_network(pod_network).hosts()
        )

    # -- workers ---------------------------------------------------------------------------------

    async def work(self) -> None:
        """Handle queued pods until cancelled."""
        while True:
            key = await self.cache.queue.get()
            try:
                await self._handle(key)
            except KubeError as err:
                log.warning("pod step failed", extra={"pod": key, "error": str(err)})
                asyncio.get_running_loop().call_later(1.0, self.cache.queue.add, key)
            except (KeyError, TypeError, ValueError) as err:  # a pod we cannot make sense of
                log.error("pod skipped", extra={"pod": key, "error": repr(err)})
            finally:
                self.cache.queue.done(key)

    async def _handle(self, key: str) -> None:
        pod = self.cache.pods.get(key)
        if pod is None:
            return
        behaviour = _behaviour(pod)
        now = dt.datetime.now(dt.UTC)
        decision = decide(pod, behaviour, self.cache.view(), now, self.crash_period)
        if decision.recheck_in is not None:
            delay = decision.recheck_in + 0.05
            asyncio.get_running_loop().call_later(delay, self.cache.queue.add, key)
        if decision.step is not Step.NOTHING:
            await self._take(decision.step, decision.node, pod, behaviour, now)
            self.steps[decision.step] += 1

    async def _take(
        self, step: Step, node: str | None, pod: JsonDict, behaviour: Behaviour, now: dt.datetime
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
            self.cache.remember(
                await kubelet.report_pod_status(self.client, namespace, name, status)
            )

    async def _bind(self, pod: JsonDict, node: str) -> None:
        meta = pod["metadata"]
        try:
            await kubelet.bind_pod(self.client, meta["namespace"], meta["name"], node)
        except Conflict:
            return  # bound meanwhile; the watch event brings the pod as it is now
        bound = {**pod, "spec": {**pod.get("spec", {}), "nodeName": node}}
        self.cache.pods[pod_key(pod)] = bound  # counted on its node until the watch event arrives

    def _status(
        self, step: Step, pod: JsonDict, behaviour: Behaviour, now: dt.datetime
    ) -> JsonDict:
        if step is Step.UNSCHEDULABLE:
            return pod_status.unschedulable(
                pod, unschedulable_message(pod, self.cache.view(), behaviour)
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

    def _next_ip(self) -> str:
        return str(next(self._addresses))


def _behaviour(pod: JsonDict) -> Behaviour:
    try:
        return behaviour_of(pod)
    except ValueError as err:
        log.error("%s; running it as a healthy pod", err)
        return Behaviour.RUN
