"""Watch handlers turning policy and pod streams into scheduler triggers.

``PolicyFeed``: a new policy, a spec change (generation) or a deletion mark makes the policy due
now and ends its retry backoff; our own status and finalizer writes only refresh the stored
object (so they never loop); a relist makes every listed policy due but keeps a backoff (an
unchanged policy that keeps failing waits for its retry time); a policy that vanishes has its
series removed. ``PodFeed``: any pod event makes the policies of
the pod's namespace due after the debounce delay; a relist re-evaluates every policy.
"""

from __future__ import annotations

from collections.abc import Callable

from kube_devops.core.bodies import JsonDict
from kube_devops.core.meta import Meta
from kube_devops.kube.watch_events import WatchEvent

from .scheduler import Scheduler, policy_key


class PolicyFeed:
    """``WatchHandler`` for DevOpsPolicies."""

    def __init__(self, scheduler: Scheduler, forget: Callable[[str, str], None]) -> None:
        self.scheduler = scheduler
        self.forget = forget

    def resync(self, items: list[JsonDict]) -> None:
        """A (re)list: forget policies that are gone, evaluate every listed one."""
        listed = {policy_key(obj) for obj in items}
        for key in list(self.scheduler.policies):
            if key not in listed:
                self._gone(key)
        for obj in items:
            before = self.scheduler.policies.get(policy_key(obj))
            if before is None or _needs_evaluation(before, obj):
                self.scheduler.policy_changed(obj)
            else:
                self.scheduler.policy_listed(obj)
        self.scheduler.initial_listing_done()

    def apply(self, event_type: str, obj: JsonDict) -> None:
        """One watch event."""
        key = policy_key(obj)
        if event_type == WatchEvent.DELETED:
            self._gone(key)
            return
        before = self.scheduler.policies.get(key)
        if before is None or _needs_evaluation(before, obj):
            self.scheduler.policy_changed(obj)
        else:
            self.scheduler.policy_seen(obj)

    def _gone(self, key: str) -> None:
        self.scheduler.policy_deleted(key)
        namespace, _, name = key.partition("/")
        self.forget(namespace, name)


def _needs_evaluation(before: JsonDict, after: JsonDict) -> bool:
    old, new = Meta.of(before), Meta.of(after)
    if old.generation != new.generation:
        return True
    if bool(old.deletion_timestamp) != bool(new.deletion_timestamp):
        return True
    return before.get("spec") != after.get("spec")


class PodFeed:
    """``WatchHandler`` for pods (all namespaces); keeps no pod state."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self._listed = False

    def resync(self, items: list[JsonDict]) -> None:
        """A relist may hide changes: re-evaluate every policy (not on the first list)."""
        if self._listed:
            self.scheduler.tick()
        self._listed = True

    def apply(self, event_type: str, obj: JsonDict) -> None:
        """Any pod event: its namespace's policies are due after the debounce delay."""
        namespace = Meta.of(obj).declared_namespace
        if namespace:
            self.scheduler.pods_changed(namespace)
