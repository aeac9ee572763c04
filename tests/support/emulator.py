"""The shared emulator fixture: a kmock Kubernetes API on loopback, reached through a kubeconfig.

Fixture ``kube_emulator`` (function scope, fresh state per test) yields a ``KubeEmulator`` with:

- ``url`` and ``kubeconfig`` (a file in the test's tmp dir; context ``kmock``), to hand to
  ``kube-devops ... --kubeconfig`` or ``ClusterConfig(kubeconfig=...)``;
- ``api_client()`` — an official ``kubernetes.client.ApiClient`` for that kubeconfig, and the
  shortcuts ``core``, ``apps``, ``coordination``, ``custom``, ``apiext`` (official API classes);
- ``thread`` — the ``EmulatorThread`` (see ``kube_devops.sandbox.emulator``) for what the
  official client cannot do: ``seed(resource, obj)``, ``seed_namespace(name)``,
  ``objects(resource, ns)``, ``compact()`` (next watch resume gets 410 Gone),
  ``drop_watches()`` (cut open watch connections), ``call(fn)`` to script kmock's DSL on the
  ``Emulator`` (e.g. ``thread.call(lambda e: e[kmock.action.LIST] << once(500))``, or
  ``<< hold`` with ``hold = Hold()`` to keep a request waiting until ``hold.release()``).

Namespaces ``default`` and ``kube-devops`` are seeded. Served resources: ``RESOURCES`` in
``kube_devops.sandbox.emulator`` (pods, apps/v1 workloads, batch, leases, events, CRDs,
validating webhook configurations and ``devops.stochastic.io/v1`` devopspolicies with status).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kubernetes import client, config

from kube_devops.sandbox.emulator import EmulatorThread


@dataclass
class KubeEmulator:
    """A running emulator plus official-client shortcuts bound to its kubeconfig."""

    thread: EmulatorThread
    kubeconfig: Path
    _clients: list[client.ApiClient] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.thread.url

    def api_client(self) -> client.ApiClient:
        loaded = config.new_client_from_config(  # type: ignore[no-untyped-call]  # unannotated
            config_file=str(self.kubeconfig)
        )
        assert isinstance(loaded, client.ApiClient)
        api = loaded
        self._clients.append(api)
        return api

    @property
    def core(self) -> client.CoreV1Api:
        return client.CoreV1Api(self.api_client())

    @property
    def apps(self) -> client.AppsV1Api:
        return client.AppsV1Api(self.api_client())

    @property
    def coordination(self) -> client.CoordinationV1Api:
        return client.CoordinationV1Api(self.api_client())

    @property
    def custom(self) -> client.CustomObjectsApi:
        return client.CustomObjectsApi(self.api_client())

    @property
    def apiext(self) -> client.ApiextensionsV1Api:
        return client.ApiextensionsV1Api(self.api_client())

    def close(self) -> None:
        for api in self._clients:
            api.close()  # type: ignore[no-untyped-call]  # not annotated in the client
        self.thread.stop()


@pytest.fixture
def kube_emulator(tmp_path: Path) -> Iterator[KubeEmulator]:
    """A fresh emulated API server for one test (see the module docstring)."""
    thread = EmulatorThread().start()
    try:
        for namespace in ("default", "kube-devops"):
            thread.seed_namespace(namespace)
        handle = KubeEmulator(thread, thread.write_kubeconfig(tmp_path / "kubeconfig"))
    except BaseException:
        thread.stop()
        raise
    try:
        yield handle
    finally:
        handle.close()
