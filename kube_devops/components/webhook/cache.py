"""The webhook's policy cache: every ``DevOpsPolicy`` by namespace, fed by list+watch.

Requests read it without any API call. Until the first full list has been applied the cache is
*not synced* and :meth:`PolicyCache.policies_for` returns ``None`` (the verdict then fails open
or closed); afterwards it keeps answering from memory even while the API is unreachable.
A policy that fails validation is logged and left out, never half-applied.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from kube_devops.core.meta import Meta
from kube_devops.core.policy import Policy, PolicyError, parse_policy
from kube_devops.kube.watch_events import WatchEvent

log = logging.getLogger(__name__)


class PolicyCache:
    """Parsed policies by namespace; each namespace's tuple is rebuilt only when it changes."""

    def __init__(self) -> None:
        self._by_ns: dict[str, dict[str, Policy]] = {}
        self._views: dict[str, tuple[Policy, ...]] = {}
        self._synced = False

    @property
    def synced(self) -> bool:
        """True once a complete list has been applied."""
        return self._synced

    def is_ready(self) -> bool:
        """Readiness callable for ``/readyz``."""
        return self._synced

    def policies_for(self, namespace: str) -> tuple[Policy, ...] | None:
        """The policies of ``namespace`` (sorted by name), or None before the first sync."""
        if not self._synced:
            return None
        return self._views.get(namespace, ())

    def count(self) -> int:
        """How many policies are cached."""
        return sum(len(policies) for policies in self._by_ns.values())

    def resync(self, objects: Iterable[Mapping[str, Any]]) -> None:
        """Replace everything with a full list (initial list or relist) and mark synced."""
        self._by_ns.clear()
        for obj in objects:
            policy = _parse(obj)
            if policy is not None:
                self._by_ns.setdefault(policy.namespace, {})[policy.name] = policy
        self._views = {ns: _sorted(items) for ns, items in self._by_ns.items()}
        self._synced = True
        log.info("policy_cache_synced", extra={"policies": self.count()})

    def apply(self, event_type: str, obj: Mapping[str, Any]) -> None:
        """Apply one watch event (``ADDED``, ``MODIFIED`` or ``DELETED``)."""
        namespace, name = _identity(obj)
        if not name:
            log.warning("policy_event_without_name", extra={"event": event_type})
            return
        items = self._by_ns.setdefault(namespace, {})
        items.pop(name, None)
        if event_type != WatchEvent.DELETED:
            policy = _parse(obj)
            if policy is not None:
                items[name] = policy
        if items:
            self._views[namespace] = _sorted(items)
        else:
            self._by_ns.pop(namespace, None)
            self._views.pop(namespace, None)


def _identity(obj: Mapping[str, Any]) -> tuple[str, str]:
    meta = Meta.of(obj)
    return meta.namespace, meta.name


def _parse(obj: Mapping[str, Any]) -> Policy | None:
    try:
        return parse_policy(obj)
    except (PolicyError, ValueError, TypeError) as err:
        log.error("policy_invalid_ignored", extra={"error": str(err)})
        return None


def _sorted(items: Mapping[str, Policy]) -> tuple[Policy, ...]:
    return tuple(items[name] for name in sorted(items))
