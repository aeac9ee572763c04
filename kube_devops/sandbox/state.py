"""The sandbox's state file: what a client needs to use a running sandbox.

``{"api", "prometheus_url", "kubeconfig", "endpoints"}``, and with ``"api": "real"`` also
``"components_kubeconfig"`` (our ServiceAccount's token), ``"etcd_url"`` (plain HTTP on
loopback; etcd's JSON gateway serves ``POST /v3/kv/compaction``) and ``"kubectl"`` (the pinned
kubectl built with the control plane).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
        return data

    def write(self, path: Path) -> Path:
        """Write the state file (JSON) and return its path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        return path

    @staticmethod
    def read(path: Path) -> SandboxState:
        """Read a state file written by :meth:`write` (files without ``api`` are emulated)."""
        data = json.loads(Path(path).read_text())
        extra = {name: data[name] for name in _REAL_ONLY if name in data}
        return SandboxState(
            data["prometheus_url"],
            data["kubeconfig"],
            dict(data["endpoints"]),
            api=data.get("api", "emulated"),
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
