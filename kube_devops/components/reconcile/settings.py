"""Settings of the reconcile operator (filled in by the CLI; components read no flags)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.kube.config import ClusterConfig


@dataclass(frozen=True)
class ReconcileSettings:
    """Everything ``run_reconcile`` needs."""

    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    """Which cluster to talk to (kubeconfig/context or in-cluster)."""
    host: str = "0.0.0.0"
    """Interface for /healthz, /readyz and /metrics."""
    port: int = 9090
    """Port for /healthz, /readyz and /metrics (0 picks a free one)."""
    interval: float = 30.0
    """Seconds between full re-evaluations of every policy."""
    debounce: float = 0.5
    """Seconds from the first pod change in a namespace to the re-evaluation of its policies."""
    lease_namespace: str = "kube-devops"
    """Namespace of the leader-election Lease."""
    lease_name: str = "kube-devops-reconcile"
    """Name of the leader-election Lease."""
    identity: str | None = None
    """Unique holder identity of this replica; None derives one from host name and a random id."""
    lease_duration: float = 15.0
    """Seconds a Lease stays valid without renewal."""
    renew_interval: float = 5.0
    """Seconds between Lease renewals (and acquisition attempts while standing by)."""
    protected_namespaces: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES
    """Namespaces where enforcement never patches anything."""
    field_manager: str = "kube-devops-reconcile"
    """Field manager recorded on every write."""
    backoff_base: float = 1.0
    """First retry delay (seconds) after a failed reconcile; doubles per failure."""
    backoff_max: float = 60.0
    """Longest retry delay (seconds)."""
    watch_timeout: float = 300.0
    """Server-side timeout (seconds) of each watch request, so shutdown and resumes are prompt."""
