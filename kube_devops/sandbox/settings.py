"""How to run the sandbox: :class:`SandboxSettings`, one field per choice."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from kube_devops.sandbox.supervisor import Backoff


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    """How to run the sandbox."""

    base_port: int | None = None
    """Every port from here on (:mod:`kube_devops.sandbox.ports`): components on base, base+1,
    base+2, Prometheus base+3, the API base+4 (real API: etcd base+5/6, kube-controller-manager
    base+7); ``None`` = the contract ports 8080/9090/8443 and free ports for the rest;
    0 = a block of free ports for all (tests, notebooks)."""
    scrape_interval: float = 1.0
    """Scrape interval written into the ServiceMonitors (seconds)."""
    min_samples: int = 3
    """Samples of every target Prometheus must hold before the sandbox counts as ready."""
    samples_dir: Path | None = None
    """The ``kube-tests`` folder to seed from; ``None`` = the one next to the package."""
    start_timeout: float = 30.0
    """Seconds allowed for each start-up phase."""
    api: str = "emulated"
    """``emulated`` (kmock emulator) or ``real`` (etcd, kube-apiserver, kube-controller-manager
    built by ``scripts/build-control-plane.sh``)."""
    binaries_dir: Path | None = None
    """Real API: folder of the built programs; ``None`` = the build script's cache."""
    state_file: Path | None = None
    """Write the state file here once ready, again whenever a process dies or comes back, and
    remove it at stop."""
    backoff: Backoff = dataclasses.field(default_factory=Backoff)
    """Restart delays of a process that died."""
