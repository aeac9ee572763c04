"""The sandbox's state file: what a client needs to use a running sandbox.

``{"api", "prometheus_url", "kubeconfig", "endpoints"}``, and with ``"api": "real"`` also
``"components_kubeconfig"`` (our ServiceAccount's token), ``"etcd_url"`` (plain HTTP on
loopback; etcd's JSON gateway serves ``POST /v3/kv/compaction``) and ``"kubectl"`` (the pinned
kubectl built with the control plane). A running sandbox also writes its own ``"pid"`` and
``"pid_start"``, ``"processes"`` (per process: ``pid``, ``up``, ``restarts``, ``last_exit``) and
``"degraded"`` (the processes down right now), and rewrites the file whenever one dies or comes
back; :func:`unusable_reason` says why a state file must not be trusted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kube_devops.sandbox.pids import alive

_REAL_ONLY = ("components_kubeconfig", "etcd_url", "kubectl")


@dataclass(frozen=True, slots=True)
class SandboxState:
    """What a client needs: the state file contract plus start-up timings."""

    prometheus_url: str
    kubeconfig: str
    """An administrator's kubeconfig (on the emulated API, the only one)."""
    endpoints: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)
    api: str = "emulated"
    """``emulated`` or ``real``."""
    components_kubeconfig: str | None = None
    """Real API: the kubeconfig the components run with (our ServiceAccount's token)."""
    etcd_url: str | None = None
    """Real API: etcd's client URL."""
    kubectl: str | None = None
    """Real API: the kubectl built at the control plane's version."""
    owner: dict[str, int | None] | None = None
    """The sandbox's own ``pid`` and ``pid_start`` (a dead owner makes the file stale)."""
    processes: dict[str, dict[str, Any]] | None = None
    """Each process of the sandbox: ``pid``, ``up``, ``restarts``, ``last_exit``."""

    @property
    def degraded(self) -> list[str]:
        """The processes that are down right now."""
        return [name for name, p in (self.processes or {}).items() if not p.get("up")]

    def to_json(self) -> dict[str, Any]:
        """The state-file contract."""
        data: dict[str, Any] = {
            "api": self.api,
            "prometheus_url": self.prometheus_url,
            "kubeconfig": self.kubeconfig,
            "endpoints": dict(self.endpoints),
        }
        for name in _REAL_ONLY:
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.owner is not None:
            data.update(self.owner)
        if self.processes is not None:
            data["processes"], data["degraded"] = self.processes, self.degraded
        return data

    def write(self, path: Path) -> Path:
        """Write the state file (JSON) and return its path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        partial.replace(path)  # a reader never sees half a file
        return path

    @staticmethod
    def read(path: Path) -> SandboxState:
        """Read a state file written by :meth:`write` (files without ``api`` are emulated)."""
        data = json.loads(Path(path).read_text())
        extra = {name: data[name] for name in _REAL_ONLY if name in data}
        owner = {k: data[k] for k in ("pid", "pid_start") if k in data} or None
        return SandboxState(
            data["prometheus_url"],
            data["kubeconfig"],
            dict(data["endpoints"]),
            api=data.get("api", "emulated"),
            owner=owner,
            processes=data.get("processes"),
            **extra,
        )

    def describe(self) -> str:
        """The state for a person, one URL per line."""
        lines = [f"API:         {self.api}", f"Prometheus:  {self.prometheus_url}"]
        lines.append(f"kubeconfig:  {self.kubeconfig}")
        lines += [f"{name + ':':<12} {url}" for name, url in self.endpoints.items()]
        if self.kubectl:
            lines.append(f"kubectl:     {self.kubectl}")
        if self.etcd_url:
            lines.append(f"etcd:        {self.etcd_url}")
        return "\n".join(lines)


def unusable_reason(data: Mapping[str, Any]) -> str | None:
    """Why a state file's sandbox cannot be verified now (its owner is dead, or some of its
    processes are down), or ``None`` when it can."""
    pid, started = data.get("pid"), data.get("pid_start")
    if isinstance(pid, int) and not alive(pid, started if isinstance(started, int) else None):
        return f"the sandbox that wrote it (pid {pid}) is no longer running; start it again"
    down = list(data.get("degraded") or []) or _dead_processes(data)
    if down:
        processes = data.get("processes") or {}
        how = "; ".join(f"{n} {(processes.get(n) or {}).get('last_exit') or 'down'}" for n in down)
        return (
            f"the sandbox reports {', '.join(map(str, down))} down ({how}); it restarts them "
            "with backoff: try again in a few seconds"
        )
    return None


def _dead_processes(data: Mapping[str, Any]) -> list[str]:
    """Processes the file still lists as up whose pid no longer runs (the sandbox has not
    noticed yet)."""
    processes = data.get("processes") or {}
    return [
        str(name)
        for name, p in processes.items()
        if isinstance(p, Mapping) and isinstance(p.get("pid"), int) and not alive(p["pid"])
    ]


def changed_during(before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """Why a run that read the state file ``before`` and again ``after`` cannot be trusted:
    the sandbox became unusable, or one of its processes was replaced meanwhile; ``None`` when
    nothing changed."""
    if (reason := unusable_reason(after)) is not None:
        return reason
    was, now = before.get("processes") or {}, after.get("processes") or {}
    replaced = [
        f"{name} (pid {(was.get(name) or {}).get('pid')} -> {p.get('pid')})"
        for name, p in now.items()
        if isinstance(p, Mapping) and (was.get(name) or {}).get("pid") != p.get("pid")
    ]
    if replaced:
        return f"{', '.join(replaced)} restarted during the run; run it again"
    return None


def read_usable(path: Path) -> SandboxState:
    """Read a state file; ValueError naming it when :func:`unusable_reason` refuses it."""
    reason = unusable_reason(json.loads(Path(path).read_text()))
    if reason is not None:
        raise ValueError(f"state file {path}: {reason}")
    return SandboxState.read(path)
