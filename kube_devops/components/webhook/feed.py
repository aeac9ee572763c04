"""Keep the webhook's policy cache filled from the cluster's ``DevOpsPolicy`` objects.

``watch_policies(cache, client)`` runs the adapter's resilient list+watch of every policy in
every namespace with the cache as its handler (the client belongs to the component, which drains
and closes it at shutdown): the first list marks it synced, events keep it
current, and during an API outage the cache keeps serving its last state. Should the watcher
itself ever fail, it is logged and started again after a pause: the webhook must keep answering
from its cache whatever happens to the feed.
"""

from __future__ import annotations

import asyncio
import logging

from kube_devops.components.webhook.cache import PolicyCache
from kube_devops.kube.client import KubeClient
from kube_devops.kube.resources import DEVOPSPOLICIES
from kube_devops.kube.watch import Watcher, WatchSettings

log = logging.getLogger(__name__)

RESTART_DELAY = 1.0
"""Seconds before a failed watcher is started again."""


async def watch_policies(
    cache: PolicyCache, client: KubeClient, settings: WatchSettings | None = None
) -> None:
    """Fill ``cache`` and keep it current until cancelled."""
    while True:
        try:
            await Watcher(client, DEVOPSPOLICIES, settings=settings).run(cache)
        except Exception as err:  # keep serving from the cache; restart the feed
            if _cancelling():
                raise asyncio.CancelledError from err  # shutdown, whatever it turned into
            log.warning(
                "policy_watch_restarted",
                exc_info=True,
                extra={"error": repr(err), "retry_in": RESTART_DELAY},
            )
            await asyncio.sleep(RESTART_DELAY)


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
