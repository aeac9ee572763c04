"""Kubernetes adapter: the only code that imports the official kubernetes client.

- ``kube.config``: ``ClusterConfig(kubeconfig, context)`` and ``load_api_client``.
- ``kube.client``: ``KubeClient`` — async verbs returning plain JSON dicts, assembled from
  ``kube.transport`` (one bounded request off the event loop, typed errors; ``kube.in_flight``
  counts the running ones), ``kube.read_verbs`` and ``kube.write_verbs`` (with ``PatchType``).
- ``kube.errors``: ``NotFound``, ``Conflict``, ``Gone``, ``Forbidden``, ``TransientError`` ...
- ``kube.resources``: ``Resource`` paths and constants (``PODS``, ``LEASES``,
  ``DEVOPSPOLICIES`` ...).
- ``kube.watch``: ``Watcher`` — resilient list+watch with resume, relist on 410 and backoff;
  ``kube.watch_events`` (``WatchEvent``, ``WatchHandler``), ``kube.watch_health`` (its health
  fields and retry delay), ``kube.watch_stream`` (one response read in a daemon thread).
- ``kube.leader``: ``LeaderElector`` — Lease-based leader election: the loop and acquisition;
  ``kube.lease_holder`` (renew, step down, release), ``kube.lease_record`` (``LeaseSettings``,
  identities, the record we write and when it expires).

Each module's docstring lists its public API.
"""
