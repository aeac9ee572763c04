"""The pods the node simulator knows: fed by list+watch, read by its workers.

``PodCache(node_labels)`` is a ``kube_devops.kube.watch_events.WatchHandler``: ``resync``
replaces every pod after a (re)list, ``apply`` records one event; each queues the pod's
``namespace/name`` on ``queue`` (a :class:`~kube_devops.sandbox.real.workqueue.KeyQueue`).
``remember`` keeps an answer of the API server unless a newer version of the pod is known;
``view()`` is the nodes as the scheduler sees them (labels and how many unfinished pods each holds).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.sandbox.real.decisions import TERMINAL_PHASES, NodeView
from kube_devops.sandbox.real.workqueue import KeyQueue


def pod_key(pod: JsonDict) -> str:
    """``namespace/name`` of a pod."""
    meta = pod.get("metadata") or {}
    return f"{meta.get('namespace')}/{meta.get('name')}"


class PodCache:
    """Last-seen pods and the queue of pods to look at (see the module docstring)."""

    def __init__(self, node_labels: Mapping[str, Mapping[str, str]]) -> None:
        self.node_labels = node_labels
        self.pods: dict[str, JsonDict] = {}
        self.queue = KeyQueue()
        self.listed = asyncio.Event()
        """Set once the first pod list has been received."""

    def resync(self, items: list[JsonDict]) -> None:
        """Replace the known pods after a (re)list and queue every one of them."""
        self.pods = {pod_key(pod): pod for pod in items}
        for key in self.pods:
            self.queue.add(key)
        self.listed.set()

    def apply(self, event_type: str, obj: JsonDict) -> None:
        """Record one pod event and queue the pod."""
        key = pod_key(obj)
        if event_type == "DELETED":
            self.pods.pop(key, None)
            return
        self.remember(obj)
        self.queue.add(key)

    def remember(self, pod: JsonDict) -> None:
        """Keep ``pod`` unless a newer version of it is known already."""
        key = pod_key(pod)
        known = self.pods.get(key)
        if known is None or not _older(pod, known):
            self.pods[key] = pod

    def view(self) -> NodeView:
        """Node labels and the unfinished pods bound to each node."""
        load: Counter[str] = Counter()
        for pod in self.pods.values():
            node = (pod.get("spec") or {}).get("nodeName")
            if node and (pod.get("status") or {}).get("phase") not in TERMINAL_PHASES:
                load[node] += 1
        return NodeView(self.node_labels, load)


def _older(candidate: JsonDict, known: JsonDict) -> bool:
    """Whether ``candidate`` is an older version of the same pod than ``known``."""
    if Meta.of(candidate).uid != Meta.of(known).uid:
        return False
    new = Meta.of(candidate).resource_version or ""
    old = Meta.of(known).resource_version or ""
    return new.isdigit() and old.isdigit() and int(new) < int(old)
