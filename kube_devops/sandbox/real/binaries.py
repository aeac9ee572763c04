"""Where the real control plane's binaries are: the cache ``scripts/build-control-plane.sh`` fills.

The script builds kube-apiserver, kube-controller-manager and kubectl (Kubernetes
:data:`KUBERNETES_VERSION`) and etcd into ``$KUBE_DEVOPS_CACHE/control-plane/<version>/``
(``~/.cache/kube-devops`` by default) and writes the stamp ``.complete`` last, so a build that
stopped half-way never counts as built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

KUBERNETES_VERSION = "v1.37.2"
"""The pinned release (``control-plane/kubernetes/go.mod``)."""
ETCD_VERSION = "v3.7.3"
"""The pinned etcd (``control-plane/etcd/go.mod``)."""
BUILD_COMMAND = "bash scripts/build-control-plane.sh"
STAMP = ".complete"


class NotBuiltError(RuntimeError):
    """The control plane was not built; the message says how to build it."""


@dataclass(frozen=True, slots=True)
class Binaries:
    """Paths of the four built programs."""

    etcd: Path
    kube_apiserver: Path
    kube_controller_manager: Path
    kubectl: Path


def default_cache_dir() -> Path:
    """``$KUBE_DEVOPS_CACHE/control-plane/<version>`` (default ``~/.cache/kube-devops/...``),
    the folder the build script writes."""
    root = os.environ.get("KUBE_DEVOPS_CACHE") or str(Path.home() / ".cache" / "kube-devops")
    return Path(root) / "control-plane" / KUBERNETES_VERSION


def find_binaries(folder: Path | None = None) -> Binaries:
    """The built binaries in ``folder`` (default :func:`default_cache_dir`);
    :class:`NotBuiltError` when the build has not completed there."""
    where = folder or default_cache_dir()
    found = Binaries(
        etcd=where / "etcd",
        kube_apiserver=where / "kube-apiserver",
        kube_controller_manager=where / "kube-controller-manager",
        kubectl=where / "kubectl",
    )
    paths = (found.etcd, found.kube_apiserver, found.kube_controller_manager, found.kubectl)
    if not (where / STAMP).is_file() or not all(os.access(p, os.X_OK) for p in paths):
        raise NotBuiltError(
            f"the real control plane (Kubernetes {KUBERNETES_VERSION}) is not built in {where}; "
            f"run `{BUILD_COMMAND}` once (needs Go 1.26)"
        )
    return found
