"""What one sandbox has started: :class:`Parts` (the API, the three components, Prometheus, the
traffic), each empty until its start-up phase ran.

The launcher (:mod:`kube_devops.sandbox.launcher`) fills the parts in order and stops them; the
parts answer what the supervisor, the ownership check and ``pids()`` ask of the processes, and
give the state of a ready sandbox (:meth:`Parts.ready_state`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kube_devops.core.catalog import Component
from kube_devops.sandbox.apis import Api, ApiKind
from kube_devops.sandbox.ports import SandboxPorts
from kube_devops.sandbox.processes import ComponentProcess
from kube_devops.sandbox.prometheus_process import RunningPrometheus
from kube_devops.sandbox.stale import owner
from kube_devops.sandbox.state import SandboxState
from kube_devops.sandbox.supervisor import Child, Watched
from kube_devops.sandbox.traffic import Traffic


@dataclass
class Parts:
    """The started parts of one sandbox (``None`` or empty: not started)."""

    api: Api | None = None
    components: dict[Component, ComponentProcess] = field(default_factory=dict)
    prometheus: RunningPrometheus | None = None
    traffic: Traffic | None = None

    @property
    def running(self) -> bool:
        """Whether the API or a component was started."""
        return self.api is not None or bool(self.components)

    def children(self, ports: SandboxPorts) -> dict[str, tuple[Child, int]]:
        """The processes the sandbox restarts when they die (components, Prometheus), each with
        the port it listens on."""
        assert self.prometheus is not None
        found: dict[str, tuple[Child, int]] = {
            c.value: (p, ports.components[c]) for c, p in self.components.items()
        }
        found["prometheus"] = (self.prometheus, ports.prometheus)
        return found

    def programs(self) -> dict[str, Watched]:
        """The real control plane's programs (none on the emulated API)."""
        plane = getattr(self.api, "plane", None)
        return dict(plane.programs) if plane is not None else {}

    def owned(self, ports: SandboxPorts) -> dict[str, tuple[Watched, int | None]]:
        """Every process, with the port it must be the one listening on (``None``: no check)."""
        processes: dict[str, tuple[Watched, int | None]] = dict(self.children(ports))
        processes |= {name: (program, None) for name, program in self.programs().items()}
        return processes

    def pids(self) -> list[int]:
        """Process ids of the programs the sandbox runs (components, Prometheus, and with the
        real API etcd, kube-apiserver, kube-controller-manager)."""
        found = [proc.process.pid for proc in self.components.values()]
        if self.prometheus is not None:
            found.append(self.prometheus.process.pid)
        plane = getattr(self.api, "plane", None)
        if plane is not None:
            found += [program.process.pid for program in plane.programs.values()]
        return found

    def ready_state(self, kind: ApiKind, timings: dict[str, float]) -> SandboxState:
        """The state of the ready sandbox (its processes filled in by the supervisor)."""
        assert self.api is not None
        assert self.prometheus is not None
        endpoints = {c.value: p.url for c, p in self.components.items()}
        kubeconfig = str(self.api.admin_kubeconfig)
        fields: dict[str, Any] = {**self.api.state_fields(), "owner": owner()}
        return SandboxState(
            self.prometheus.url, kubeconfig, endpoints, timings, api=kind.value, **fields
        )
