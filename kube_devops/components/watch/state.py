"""Live governance state of the cluster's pods, updated in O(1) per watch event.

``ClusterState`` implements ``kube_devops.kube.watch_events.WatchHandler``. Per pod it keeps only
a compact contribution — a ``PodResult`` without name or findings, shared between all pods of a
namespace with the same units — never the pod object. Per namespace it keeps a ``Tally`` and one
pooled cluster ``Tally``; a namespace's tally disappears with its last scored pod.

Only scored pods are tracked (finished pods and pods in system namespaces count nowhere). A pod
that is Pending but not yet past ``forbid_pending_duration`` gets its pending unit from
``expire_pending(now)`` (called periodically) when the limit passes without another event.

A pod that cannot be evaluated (``spec.containers: "string"``) is skipped: it counts nowhere,
``on_skip(reason)`` is called for every skipped event, and one warning names the pod and the
field until the pod is deleted or arrives well-formed again; the other pods are scored as ever.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from kube_devops.core.bodies import PodPhase
from kube_devops.core.check_table import CHECK_TABLE, CheckTable, Units
from kube_devops.core.evaluation import creation_epoch, evaluate_pod
from kube_devops.core.findings import PodResult
from kube_devops.core.meta import Meta, object_key
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.core.pod_shape import MALFORMED, malformed_field
from kube_devops.core.policy import DEFAULT_POLICY, PolicySpec
from kube_devops.core.scoring import Tally
from kube_devops.kube.watch_events import WatchEvent

log = logging.getLogger(__name__)

_DELETED = WatchEvent.DELETED
#: What evaluating a pod whose fields have the wrong shape raises.
_SHAPE_ERRORS = (AttributeError, TypeError, ValueError, KeyError)
_PENDING = PodPhase.PENDING.value


class ClusterState:
    """Per-pod contributions and per-namespace tallies (see the module docstring)."""

    def __init__(
        self,
        policy: PolicySpec = DEFAULT_POLICY,
        namespaces: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES,
        *,
        clock: Callable[[], float] = time.time,
        on_event: Callable[[str], None] | None = None,
        on_skip: Callable[[str], None] | None = None,
        table: CheckTable = CHECK_TABLE,
    ) -> None:
        self.policy, self.system, self._clock = policy, namespaces, clock
        self._on_event, self._on_skip, self.table = on_event, on_skip, table
        self.skipped: set[str] = set()
        """Keys of the pods skipped as malformed (each warned about once)."""
        self._warned: set[str] = set()
        self.pods: dict[str, PodResult] = {}
        self.namespaces: dict[str, Tally] = {}
        self.cluster = Tally(table)
        self._shared: dict[tuple[str, Units], PodResult] = {}
        self._pending: list[tuple[float, int, str]] = []
        self._waiting: dict[str, int] = {}
        self._sequence = 0

    # -- WatchHandler --------------------------------------------------------------------------

    def resync(self, items: list[dict[str, Any]]) -> None:
        """Forget everything and rebuild from a full list."""
        self.pods.clear()
        self.namespaces.clear()
        self.cluster = Tally(self.table)
        self._pending.clear()
        self._waiting.clear()
        now = self._clock()
        self._warned, self.skipped = self.skipped, set()
        for pod in items:
            self._upsert_or_skip(pod, now)
        self._warned = set()

    def apply(self, event_type: str, obj: dict[str, Any]) -> None:
        """Apply one ADDED / MODIFIED / DELETED pod event."""
        if event_type == _DELETED:
            key = _key(obj)
            self._drop(key)
            self.skipped.discard(key)
        else:
            self._upsert_or_skip(obj, self._clock())
        if self._on_event is not None:
            self._on_event(event_type)

    # -- malformed pods ------------------------------------------------------------------------

    def _upsert_or_skip(self, pod: Mapping[str, Any], now: float) -> None:
        try:
            key = self._upsert(pod, now)
        except _SHAPE_ERRORS as err:
            self._skip(pod, err)
        else:
            if self.skipped:
                self.skipped.discard(key)

    def _skip(self, pod: Mapping[str, Any], err: Exception) -> None:
        key = _key(pod)
        self._drop(key)
        if key not in self.skipped:
            self.skipped.add(key)
            if key not in self._warned:  # else warned before the relist that brought it again
                field = malformed_field(pod) or f"{type(err).__name__}: {err}"
                extra = {"pod": key, "field": field, "reason": MALFORMED}
                log.warning("pod skipped: it cannot be scored; fix the field", extra=extra)
        if self._on_skip is not None:
            self._on_skip(MALFORMED)

    # -- updates -------------------------------------------------------------------------------

    def _upsert(self, pod: Mapping[str, Any], now: float) -> str:
        result = evaluate_pod(pod, self.policy, now=now, namespaces=self.system, table=self.table)
        key = f"{result.namespace}/{result.name}"
        self._drop(key)
        if not result.scored:
            return key
        contribution = self._share(result.namespace, result.units)
        self._count(key, contribution)
        if self._may_turn_pending(pod, result):
            created = creation_epoch(Meta.of(pod).creation_timestamp)
            limit = self.policy.forbid_pending_duration
            if created is not None and limit is not None:
                self._sequence += 1
                self._waiting[key] = self._sequence
                heapq.heappush(self._pending, (created + limit, self._sequence, key))
        return key

    def _may_turn_pending(self, pod: Mapping[str, Any], result: PodResult) -> bool:
        phase = (pod.get("status") or {}).get("phase")
        return phase == _PENDING and result.units.pending == 0

    def _count(self, key: str, contribution: PodResult) -> None:
        self.pods[key] = contribution
        tally = self.namespaces.get(contribution.namespace)
        if tally is None:
            tally = self.namespaces[contribution.namespace] = Tally(self.table)
        tally.add(contribution)
        self.cluster.add(contribution)

    def _drop(self, key: str) -> None:
        if self._waiting:
            self._waiting.pop(key, None)
        old = self.pods.pop(key, None)
        if old is None:
            return
        tally = self.namespaces[old.namespace]
        tally.remove(old)
        if tally.pods == 0:
            del self.namespaces[old.namespace]
        self.cluster.remove(old)

    def _share(self, namespace: str, units: Units) -> PodResult:
        shared = self._shared.get((namespace, units))
        if shared is None:
            shared = PodResult(namespace, "", True, units, (), self.table)
            self._shared[(namespace, units)] = shared
        return shared

    def expire_pending(self, now: float | None = None) -> int:
        """Add the pending unit to pods whose pending limit passed; returns how many changed."""
        now = self._clock() if now is None else now
        changed = 0
        while self._pending and self._pending[0][0] < now:
            _, sequence, key = heapq.heappop(self._pending)
            if self._waiting.get(key) != sequence:
                continue  # changed or gone since
            contribution = self.pods[key]
            self._drop(key)
            pending = contribution.units._replace(pending=1)
            self._count(key, self._share(contribution.namespace, pending))
            changed += 1
        return changed


def _key(obj: Any) -> str:
    """``namespace/name`` of ``obj``, whatever its shape (``default/`` when unreadable)."""
    return object_key(obj) if isinstance(obj, Mapping) else "default/"
