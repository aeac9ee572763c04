"""A Kubernetes API emulator on loopback, built on kmock's ``KubernetesEmulator``.

Used by the component tests (``tests/support``) and by the sandbox. Clients talk to it only over
HTTP, through the kubeconfig it writes. It adapts these kmock 0.8 gaps (here, never in production
code):

- every write stamps ``metadata.uid``, ``resourceVersion`` (one global counter, as etcd does),
  ``creationTimestamp`` and ``generation`` (bumped when ``spec`` changes); creates answer 201;
- ``PUT`` (replace) is served, and a ``metadata.resourceVersion`` in a PUT or merge patch is a
  precondition (409 Conflict when stale) — what leader election relies on;
- JSON patch (RFC 6902) is applied with its ``test`` ops (a failed test answers 422); merge,
  strategic-merge and apply patches are applied as a JSON merge patch (no list-merge keys);
- ``.../status`` subresource writes change only ``status``;
- watches honour ``resourceVersion`` (events after it, from a bounded event log), send an ERROR
  410 Gone event when it is older than the log (``compact()`` forgets the log on purpose) and end
  after ``timeoutSeconds``; ``drop_watches()`` cuts every open watch connection;
- lists carry a real ``metadata.resourceVersion``;
- namespaces cannot be created over HTTP (kmock cannot parse ``/api/v1/namespaces``): seed them
  with ``seed_namespace``; label and field selectors and ``limit`` are ignored;
- each request is dropped from the request log once answered (the log makes every request
  slower), unless ``keep_requests=True``.

Modules: ``table`` (served resources, patch/merge helpers), ``server`` (the ``Emulator``'s
writes and reads), ``watches`` (event logs and watch streams), ``scripted`` (DSL payloads),
``thread`` (``EmulatorThread`` and the kubeconfig). Public API, re-exported here:

- ``Emulator`` — the kmock handler subclass (use kmock's DSL on it to script failures, e.g.
  ``emulator[kmock.action.WATCH, kmock.resource("v1/pods")] << once(500)``); on its loop also
  ``seed(resource, obj)``, ``modify(resource, obj)``, ``compact()``, ``drop_watches()``;
- ``once(status, message=...)`` — a one-shot failing payload for that DSL; ``Hold()`` — a
  payload keeping matching requests waiting until ``release()``;
- ``EmulatorThread`` — runs an ``Emulator`` on ``127.0.0.1`` in a background thread:
  ``start()``/``stop()`` (or ``with``), ``url``, ``write_kubeconfig(path)``, and thread-safe
  ``seed(resource, obj)``, ``seed_namespace(name)``, ``objects(resource, namespace=None)``,
  ``compact()``, ``drop_watches()``, ``call(fn)`` / ``call_async(fn)`` (run ``fn(emulator)``
  on its loop);
- ``write_kubeconfig(path, server, namespace="default")``;
- ``RESOURCES`` — the resources served (core, apps, batch, coordination, events, CRDs,
  admission webhooks and ``devops.stochastic.io/v1`` ``devopspolicies`` with ``status``).
"""

from __future__ import annotations

from .catalog import RESOURCES, ResourceSpec
from .scripted import Hold, once
from .server import Emulator
from .table import Obj
from .thread import EmulatorThread, write_kubeconfig
from .watches import EVENT_LOG_SIZE

__all__ = [
    "EVENT_LOG_SIZE",
    "RESOURCES",
    "Emulator",
    "EmulatorThread",
    "Hold",
    "Obj",
    "ResourceSpec",
    "once",
    "write_kubeconfig",
]
