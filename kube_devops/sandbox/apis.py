"""The Kubernetes API under the sandbox: the emulator (``emulated``, the default, seconds to start,
no Go needed) or a real control plane built from source (``real``).

Either is started and seeded by :func:`start_api` and offers the same face (:class:`Api`): the
components' kubeconfig, an administrator's kubeconfig (traffic and people), the scrape jobs
rendered from our ServiceMonitors, extra state-file fields, and ``stop()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from kube_devops.sandbox.api import EmulatedApi
from kube_devops.sandbox.ports import SandboxPorts
from kube_devops.sandbox.real.api import RealApi, RealApiSettings
from kube_devops.sandbox.real.flags import Ports
from kube_devops.sandbox.seed import Seed


class ApiKind(StrEnum):
    """``--api`` values."""

    EMULATED = "emulated"
    REAL = "real"


def api_kind(text: str) -> ApiKind:
    """Parse an ``api`` setting; ValueError naming the allowed values otherwise."""
    try:
        return ApiKind(text)
    except ValueError:
        raise ValueError(f"api={text!r}: use 'emulated' or 'real'") from None


class Api(Protocol):
    """What the sandbox uses of a started API."""

    @property
    def kubeconfig(self) -> Path: ...  # the components'

    @property
    def admin_kubeconfig(self) -> Path: ...

    @property
    def timings(self) -> dict[str, float]: ...  # start-up phases of the API's own programs

    def scrape_jobs(self) -> list[dict[str, Any]]: ...

    def state_fields(self) -> dict[str, str]: ...

    def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """What the sandbox asks for."""

    kind: ApiKind
    workdir: Path
    seed: Seed
    webhook_url: str
    webhook_ca: bytes
    binaries_dir: Path | None = None
    start_timeout: float = 30.0
    ports: SandboxPorts | None = None
    """Where the API (and etcd, kube-controller-manager) listen; ``None`` = free ports."""


def start_api(request: ApiRequest, say: Callable[[str], None]) -> tuple[Api, int]:
    """Start and seed the API; returns it and how many objects were stored."""
    r = request
    if r.kind is ApiKind.EMULATED:
        say("starting the emulated Kubernetes API")
        emulated = EmulatedApi.start(r.workdir, r.ports.api if r.ports else 0)
        try:
            return emulated, emulated.seed(r.seed)
        except BaseException:
            emulated.stop()
            raise
    settings = RealApiSettings(
        r.workdir, r.seed, r.webhook_url, r.webhook_ca, r.binaries_dir, r.start_timeout,
        _plane_ports(r.ports),
    )  # fmt: skip
    real = RealApi.start(settings, say)
    return real, real.stored


def _plane_ports(ports: SandboxPorts | None) -> Ports | None:
    if ports is None:
        return None
    return Ports(ports.etcd, ports.etcd_peer, ports.api, ports.controller_manager)
