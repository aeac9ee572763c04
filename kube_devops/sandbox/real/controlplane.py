"""A real Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager.

``RealControlPlane(ControlPlaneSettings(workdir))`` is a context manager: ``start()`` generates
the PKI, starts the three programs from the built cache (:mod:`.binaries`) on free loopback
ports with their data and logs in ``workdir``, waits until each is healthy and returns a
:class:`ControlPlane` (URLs, admin kubeconfig, paths); ``stop()`` sends SIGTERM to each. The
command lines, and why each flag is set, are in :mod:`.flags`.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kube_devops.sandbox.free_ports import free_block
from kube_devops.sandbox.real.binaries import Binaries, find_binaries
from kube_devops.sandbox.real.flags import Ports, apiserver_args, controller_manager_args, etcd_args
from kube_devops.sandbox.real.kubeconfig import write_kubeconfig
from kube_devops.sandbox.real.launch import (
    Program,
    client_context,
    insecure_context,
    launch,
    wait_healthy,
)
from kube_devops.sandbox.real.pki import Pki, create_pki

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ControlPlaneSettings:
    """How to run the control plane."""

    workdir: Path
    """Folder for certificates, kubeconfigs, etcd data and logs (the caller removes it)."""
    binaries_dir: Path | None = None
    """Folder of the built programs; ``None`` = the build script's cache."""
    start_timeout: float = 30.0
    """Seconds each program gets to become healthy."""
    compaction_interval: str = "10s"
    """kube-apiserver's ``--etcd-compaction-interval``: short, so a test can provoke 410 Gone."""
    ports: Ports | None = None
    """Where the programs listen; ``None`` = free loopback ports."""


@dataclass(frozen=True, slots=True)
class ControlPlane:
    """What a client of the started control plane needs."""

    server: str
    """kube-apiserver URL (``https://127.0.0.1:<port>``)."""
    etcd_url: str
    """etcd's client URL (plain HTTP; its JSON gateway serves ``/v3/kv/compaction``)."""
    admin_kubeconfig: Path
    """Kubeconfig of a cluster administrator (client certificate, ``O=system:masters``)."""
    pki: Pki
    binaries: Binaries
    timings: dict[str, float] = field(default_factory=dict)


class RealControlPlane:
    """The running programs (see the module docstring)."""

    def __init__(self, settings: ControlPlaneSettings, progress: Progress | None = None) -> None:
        self.settings = settings
        self.say = progress or (lambda _msg: None)
        self.binaries = find_binaries(settings.binaries_dir)
        self.programs: dict[str, Program] = {}
        self.info: ControlPlane | None = None
        self._ports = settings.ports or Ports.from_base(free_block(4))
        self._kcm_port = self._ports.controller_manager

    def start(self) -> ControlPlane:
        """Start etcd, kube-apiserver and kube-controller-manager; on failure stop all."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> ControlPlane:
        s, began, timings = self.settings, time.perf_counter(), {}
        pki = create_pki(s.workdir / "pki")
        server = f"https://127.0.0.1:{self._ports.apiserver}"
        admin = write_kubeconfig(
            s.workdir / "admin.kubeconfig", server, pki.ca.cert,
            user="admin", cert=pki.admin.cert, key=pki.admin.key,
        )  # fmt: skip
        self.say(f"starting etcd and kube-apiserver {self.binaries.kube_apiserver.parent.name}")
        self.programs["etcd"] = launch("etcd", etcd_args(self.binaries, s, self._ports), s.workdir)
        self._start_apiserver(pki)
        etcd_url = f"http://127.0.0.1:{self._ports.etcd}"
        wait_healthy(self.programs["etcd"], f"{etcd_url}/health", None, s.start_timeout)
        timings["etcd_healthy"] = round(time.perf_counter() - began, 3)
        self._wait_apiserver(pki)
        timings["apiserver_ready"] = round(time.perf_counter() - began, 3)
        self.say("starting kube-controller-manager")
        self._start_controller_manager(pki, server)
        timings["controller_manager_healthy"] = round(time.perf_counter() - began, 3)
        self.info = ControlPlane(server, etcd_url, admin, pki, self.binaries, timings)
        return self.info

    def _start_apiserver(self, pki: Pki) -> None:
        argv = apiserver_args(self.binaries, self.settings, self._ports, pki)
        self.programs["kube-apiserver"] = launch("kube-apiserver", argv, self.settings.workdir)

    def _wait_apiserver(self, pki: Pki) -> None:
        context = client_context(pki.ca.cert, pki.admin.cert, pki.admin.key)
        url = f"https://127.0.0.1:{self._ports.apiserver}/readyz"
        wait_healthy(self.programs["kube-apiserver"], url, context, self.settings.start_timeout)

    def _start_controller_manager(self, pki: Pki, server: str) -> None:
        s = self.settings
        kubeconfig = write_kubeconfig(
            s.workdir / "controller-manager.kubeconfig", server, pki.ca.cert,
            user="system:kube-controller-manager",
            cert=pki.controller_manager.cert, key=pki.controller_manager.key,
        )  # fmt: skip
        argv = controller_manager_args(self.binaries, s, pki, kubeconfig, self._kcm_port)
        program = launch("kube-controller-manager", argv, s.workdir)
        self.programs[program.name] = program
        url = f"https://127.0.0.1:{self._kcm_port}/healthz"
        wait_healthy(program, url, insecure_context(), s.start_timeout)

    def restart_apiserver(self) -> None:
        """Stop kube-apiserver and start it again on the same port (watch-resumption tests)."""
        assert self.info is not None, "start() first"
        self.programs["kube-apiserver"].stop()
        self._start_apiserver(self.info.pki)
        self._wait_apiserver(self.info.pki)

    def compact_etcd(self) -> int:
        """Compact etcd up to its current revision now (watches from older resourceVersions
        then get 410 Gone once the API server's watch cache no longer holds them); returns it."""
        assert self.info is not None, "start() first"
        url = self.info.etcd_url
        revision = int(_etcd_post(url, "/v3/kv/range", {"key": "AA=="})["header"]["revision"])
        _etcd_post(url, "/v3/kv/compaction", {"revision": revision, "physical": True})
        return revision

    def stop(self) -> None:
        """SIGTERM the controller manager, kube-apiserver, then etcd (each waited for)."""
        for name in ("kube-controller-manager", "kube-apiserver", "etcd"):
            program = self.programs.pop(name, None)
            if program is not None:
                program.stop()

    def __enter__(self) -> ControlPlane:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _etcd_post(base: str, path: str, body: dict[str, object]) -> dict[str, Any]:
    request = urllib.request.Request(
        base + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        data: dict[str, Any] = json.loads(answer.read())
    return data
