"""One settings tree for every component, in the style of kopf's ``OperatorSettings``.

Each component's settings dataclass (``WatchControllerSettings``, ``ReconcileSettings``,
``WebhookSettings``) derives from ``ComponentSettings`` and so carries the same four branches:

- ``serve: ServeSettings`` — where it listens (host, port, TLS files for the webhook, drain time);
- ``cluster: ClusterSettings`` — which API server (kubeconfig, context, request timeout);
- ``lease: LeaseSettings`` — leader election (enabled, Lease name and namespace, identity, timing);
- ``registry`` — the ``CollectorRegistry`` its metrics live on (injected; never the global one).

Only the CLI reads flags; it fills these in and ``runtime.component.run_component`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry

from kube_devops.core.catalog import LEASE_SECONDS, READINESS_GRACE_SECONDS
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.lease_record import LeaseSettings as ElectorSettings
from kube_devops.manifests.labels import DEFAULT_NAMESPACE


@dataclass(frozen=True)
class TlsSettings:
    """Certificate files served over HTTPS, reloaded in place when they change."""

    cert_file: Path = Path("tls.crt")
    """PEM certificate (chain)."""
    key_file: Path = Path("tls.key")
    """PEM private key of ``cert_file``."""
    check_interval: float = 2.0
    """Seconds between two checks of the files for changes."""


@dataclass(frozen=True)
class ServeSettings:
    """Where and how a component listens."""

    host: str = "0.0.0.0"
    """Interface to bind; ``127.0.0.1`` for loopback only."""
    port: int = 8080
    """TCP port; 0 picks a free one (reported by the ``listening`` log and ``on_listening``)."""
    tls: TlsSettings | None = None
    """Serve HTTPS with these files (the webhook); plain HTTP when None."""
    shutdown_timeout: float = 4.0
    """Seconds granted to in-flight requests and task clean-up after a stop signal."""
    handshake_timeout: float = 10.0
    """Seconds a client gets to complete the TLS handshake (HTTPS only)."""
    header_timeout: float = 10.0
    """Seconds to send the request line and headers, counted from the connection's start or,
    on a kept-alive connection, from the first byte of the next request."""
    body_timeout: float = 30.0
    """Seconds from the end of the headers until the answer is ready: the body must arrive in
    that time."""
    idle_timeout: float = 60.0
    """Seconds a kept-alive connection may wait between requests before it is closed."""
    max_connections: int = 1000
    """Open connections at most. At the cap a new connection closes the oldest one that has not
    had a request answered, else the one idle the longest (a connection with a request in
    progress is never closed), or is closed itself when every connection is busy."""


@dataclass(frozen=True)
class ClusterSettings:
    """Which API server a component talks to, and how its client behaves."""

    kubeconfig: str | None = None
    """Path of a kubeconfig file; None means ``$KUBECONFIG``, ``~/.kube/config``, in-cluster."""
    context: str | None = None
    """Context inside the kubeconfig; None means its current context."""
    request_timeout: float = 30.0
    """Read timeout (seconds) of one API request (watches use their own server-side timeout)."""
    drain_timeout: float = 2.0
    """Seconds to wait at shutdown for API requests still running before closing the pool
    (kept short: a component exits within 5 s of SIGTERM whatever the API server does)."""

    @property
    def config(self) -> ClusterConfig:
        """The adapter's view: kubeconfig and context."""
        return ClusterConfig(self.kubeconfig, self.context)


@dataclass(frozen=True)
class LeaseSettings:
    """Leader election on a ``coordination.k8s.io/v1`` Lease."""

    enabled: bool = True
    """False: this replica always leads (single replica, or a component without election)."""
    name: str = "kube-devops-leader"
    """Name of the Lease; one per component."""
    namespace: str = DEFAULT_NAMESPACE
    """Namespace of the Lease (the components' namespace)."""
    identity: str | None = None
    """Holder identity of this replica; None derives a unique one (host, pid, random)."""
    duration: float = LEASE_SECONDS
    """Seconds a Lease stays valid without renewal."""
    renew_period: float | None = None
    """Seconds between renewals; None means a third of ``duration``."""
    retry_period: float | None = None
    """Seconds between acquisition attempts while following; None means min(1, renew / 2)."""

    def for_elector(self, identity: str) -> ElectorSettings:
        """The adapter elector's settings for this replica's ``identity``."""
        return ElectorSettings(
            namespace=self.namespace,
            name=self.name,
            identity=identity,
            lease_duration=self.duration,
            renew_period=self.renew_period,
            retry_period=self.retry_period,
        )


#: A component that elects no leader (every replica does all of its work).
NO_ELECTION = LeaseSettings(enabled=False)


@dataclass(frozen=True, kw_only=True)
class ComponentSettings:
    """The branches every component's settings share (see the module docstring)."""

    serve: ServeSettings = field(default_factory=ServeSettings)
    """HTTP(S) listener for probes, metrics and the component's own routes."""
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    """Where the API server is and how the client behaves."""
    lease: LeaseSettings = field(default_factory=LeaseSettings)
    """Leader election; ``enabled=False`` makes this replica lead alone."""
    registry: CollectorRegistry = field(default_factory=CollectorRegistry, compare=False)
    """Registry the component's collectors are registered on and ``/metrics`` serves."""
    readiness_grace: float = READINESS_GRACE_SECONDS
    """Seconds the API server may go unanswered (requests failing) before ``/readyz`` turns
    503; see ``runtime.component.Kit.ready_when``."""
