"""A Kubernetes API emulator on loopback, built on kmock's ``KubernetesEmulator``.

Used by the component tests (``tests/support``) and by the sandbox. Clients talk to it only over
HTTP, through the kubeconfig it writes: the official Python client and the real ``kubectl``
(tested with Debian's 1.32 and the pinned 1.37.2) both work on it. What a client can see follows
kube-apiserver (``SERVER_VERSION``, the pinned release of the real control plane):

- discovery: ``/api``, ``/apis``, ``/api/v1``, ``/apis/<group>[/<version>]`` with singular names,
  short names (``po``, ``deploy``, ``dop``...), categories (``all``), verbs and subresources;
  aggregated discovery (``apidiscovery.k8s.io/v2``) when the ``Accept`` header asks for it;
- ``/openapi/v3``: a minimal document per group-version, enough for kubectl to leave validation
  to the server (``fieldValidation=Strict``); it has no schemas;
- server-side printing: ``Accept: ...;as=Table;g=meta.k8s.io`` gets a ``meta.k8s.io/v1`` Table
  with the real printers' columns for pods, deployments, replicasets, statefulsets, daemonsets,
  services, nodes, events, namespaces, configmaps, secrets, service accounts, leases, disruption
  budgets, RBAC roles and bindings, webhook configurations and CRDs, a CRD's
  ``additionalPrinterColumns`` for custom resources, and Name/Age for the other kinds; watches
  send Tables too (``kubectl get -w``);
- writes stamp ``metadata.uid``, ``resourceVersion`` (one global counter, as etcd does),
  ``creationTimestamp`` and, for the kinds that have one, ``generation``; a write that changes
  nothing is a no-op (same resourceVersion, no event); creates answer 201; PUT is served; a
  ``metadata.resourceVersion`` in a PUT or patch is a precondition (409 Conflict when stale);
- PATCH follows its ``Content-Type``: RFC 6902 JSON patch (``test`` ops; 422 when one fails),
  RFC 7386 merge patch, strategic merge patch with the merge keys of the built-in kinds and
  kubectl's directives (415 for a custom resource, as on a real server), and server-side apply,
  which creates a missing object (201), merges the manifest's fields into the live object and
  removes those its manager applied before and dropped, unless another manager owns them
  (``ownership``: another apply manager applying them, or a later write changing them);
- ``.../status`` writes change only ``status``, and writes to an object whose kind has a status
  subresource leave its ``status`` as it was; ``.../scale`` reads and writes an
  ``autoscaling/v1`` Scale; ``/api/v1/namespaces`` is served like any resource;
- watches honour ``resourceVersion`` (events after it, from a bounded event log), send an ERROR
  410 Gone event when it is older than the log (``compact()`` forgets the log on purpose) and end
  after ``timeoutSeconds``; ``drop_watches()`` cuts every open watch connection;
- lists carry a real ``metadata.resourceVersion``, are sorted by namespace and name and paged
  by ``limit``/``continue`` (``paging``); lists and watches honour ``labelSelector`` and
  ``fieldSelector`` (``selectors``);
- ``dryRun=All`` writes store nothing and answer what would be stored (``kubectl diff``);
- a stored CustomResourceDefinition is established at once and serves its resource (``crds``);
  resources that are not served answer 404;
- custom resources written over HTTP are pruned, defaulted and validated by their CRD's schema
  (``schema``): 422 Invalid with the field named and ``causes``; with ``fieldValidation=Strict``
  an unknown field is a 400; updates ratchet (unchanged invalid values pass) and status writes
  are judged on ``status`` only; ``seed`` stores objects as given;
- each request is dropped from the request log once answered (the log makes every request
  slower), unless ``keep_requests=True``.

Where it still differs from a real API server (the real control plane is the reference):
server-side apply writes no ``metadata.managedFields`` and raises no conflicts between
managers (it does remove the fields a manager stops applying that no one else owns); the
built-in kinds are neither validated
nor defaulted (unknown fields are kept even with ``fieldValidation=Strict``; a pod created
without a status has no phase; a Service gets no cluster IP), and CRD schemas are checked
without CEL rules and formats; a create keeps the ``status`` it is given (a real
server drops it); protobuf and CBOR bodies are answered 415 (kubectl's typed generators such as
``kubectl create namespace`` send protobuf: use ``kubectl apply -f``/``create -f``); a watch with
a selector filters events by the object's state at each event (no synthetic ADDED/DELETED when
an object starts or stops matching); the pages after the first are read from the current
store (a real server serves them from the first page's snapshot, and 410 once compacted);
``deletecollection`` is not served; jobs, cronjobs, endpoints and ``events.k8s.io`` events
print Name/Age only;
no admission, RBAC, controllers or garbage collection.

Modules: ``catalog`` (served resources), ``discovery``, ``openapi``, ``printing`` with
``printers``, ``printers_more``, ``pod_printer`` and ``event_printer`` (Tables), ``views``
(those answers per request), ``patching`` with ``strategic`` and ``table`` (patch and write
helpers), ``admission`` with ``schema``, ``ownership``, ``scale``, ``crds``, ``selectors``,
``paging``, ``server`` (the ``Emulator``'s request entry and reads) with ``writes``,
``watches`` (event logs and watch streams), ``scripted`` (DSL payloads), ``thread``
(``EmulatorThread`` and the kubeconfig). Public API, re-exported here:

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
- ``RESOURCES`` — the ``ResourceSpec`` of every resource served (core, apps, batch,
  coordination, events, CRDs, admission webhooks and ``devops.stochastic.io/v1``
  ``devopspolicies``, described from our CRD); registering another on ``Emulator.resources``
  serves it too (``catalog.KNOWN`` names Endpoints and ServiceMonitors right).
"""

from __future__ import annotations

from kube_devops.core.bodies import JsonDict

from .catalog import RESOURCES, SERVER_VERSION, ResourceSpec
from .scripted import Hold, once
from .server import Emulator
from .thread import EmulatorThread, write_kubeconfig
from .watches import EVENT_LOG_SIZE

__all__ = [
    "EVENT_LOG_SIZE",
    "RESOURCES",
    "SERVER_VERSION",
    "Emulator",
    "EmulatorThread",
    "Hold",
    "JsonDict",
    "ResourceSpec",
    "once",
    "write_kubeconfig",
]
