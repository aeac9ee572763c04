"""Settings of the reconcile operator (filled in by the CLI; components read no flags)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kube_devops.core.catalog import LEASE_NAMES, PORTS, Component
from kube_devops.core.namespaces import DEFAULT_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.runtime.settings import ComponentSettings, LeaseSettings, ServeSettings

#: The operator's Lease: renewed every 5 s, tried every second while standing by.
RECONCILE_LEASE = LeaseSettings(
    name=LEASE_NAMES[Component.RECONCILE], renew_period=5.0, retry_period=1.0
)


@dataclass(frozen=True, kw_only=True)
class ReconcileSettings(ComponentSettings):
    """Everything ``run_reconcile`` needs (``serve``, ``cluster``, ``lease``, ``registry`` too)."""

    serve: ServeSettings = field(
        default_factory=lambda: ServeSettings(port=PORTS[Component.RECONCILE])
    )
    """Listener of /healthz, /readyz and /metrics (port 9090; 0 picks a free one)."""
    lease: LeaseSettings = RECONCILE_LEASE
    """Leader election: only the Lease holder reconciles and enforces."""
    interval: float = 30.0
    """Seconds between full re-evaluations of every policy."""
    debounce: float = 0.5
    """Seconds from the first pod change in a namespace to the re-evaluation of its policies."""
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
