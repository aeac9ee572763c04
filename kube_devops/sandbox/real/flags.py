"""Command lines of etcd, kube-apiserver and kube-controller-manager, each flag with its reason.

Everything listens on 127.0.0.1 only. Pure: paths and ports in, argument lists out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kube_devops.sandbox.real.binaries import Binaries
from kube_devops.sandbox.real.pki import Pki

if TYPE_CHECKING:
    from kube_devops.sandbox.real.controlplane import ControlPlaneSettings

SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local"
"""Issuer (and audience) of service-account tokens, as on a kubeadm cluster."""
SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16"
"""ClusterIPs are allocated from here (Services need one) but nothing ever routes to them."""


@dataclass(frozen=True, slots=True)
class Ports:
    """Loopback ports of etcd (client, peer), kube-apiserver and kube-controller-manager."""

    etcd: int
    etcd_peer: int
    apiserver: int
    controller_manager: int

    @classmethod
    def from_base(cls, base: int) -> Ports:
        """Four consecutive ports from ``base``."""
        return cls(base, base + 1, base + 2, base + 3)


def etcd_args(binaries: Binaries, settings: ControlPlaneSettings, ports: Ports) -> list[str]:
    """A single-member etcd on loopback, plain HTTP (only kube-apiserver and tests call it)."""
    client, peer = f"http://127.0.0.1:{ports.etcd}", f"http://127.0.0.1:{ports.etcd_peer}"
    return [
        str(binaries.etcd),
        "--name=sandbox",
        f"--data-dir={settings.workdir / 'etcd'}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=sandbox={peer}",
        # The data dies with the sandbox: skipping fsync keeps writes fast on a busy disk.
        "--unsafe-no-fsync",
        "--log-level=warn",
    ]


def apiserver_args(
    binaries: Binaries, settings: ControlPlaneSettings, ports: Ports, pki: Pki
) -> list[str]:
    """kube-apiserver: RBAC, client certificates and service-account tokens, default admission
    (ValidatingAdmissionWebhook and ValidatingAdmissionPolicy included), watch cache on."""
    return [
        str(binaries.kube_apiserver),
        f"--etcd-servers=http://127.0.0.1:{ports.etcd}",
        # Short, so a test can compact etcd past a watcher's resourceVersion (410 Gone).
        f"--etcd-compaction-interval={settings.compaction_interval}",
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        f"--secure-port={ports.apiserver}",
        f"--tls-cert-file={pki.apiserver_server.cert}",
        f"--tls-private-key-file={pki.apiserver_server.key}",
        f"--client-ca-file={pki.ca.cert}",
        # No kubelets, so no Node authorizer: RBAC decides everything, as for our components.
        "--authorization-mode=RBAC",
        "--anonymous-auth=false",
        f"--service-account-issuer={SERVICE_ACCOUNT_ISSUER}",
        f"--api-audiences={SERVICE_ACCOUNT_ISSUER}",
        f"--service-account-key-file={pki.service_account_pub}",
        f"--service-account-signing-key-file={pki.service_account_key}",
        f"--service-cluster-ip-range={SERVICE_CLUSTER_IP_RANGE}",
        # The built-in `kubernetes` Service would get Endpoints at 127.0.0.1, which Endpoints
        # validation rejects; nothing in the sandbox reaches the API server through that Service.
        "--endpoint-reconciler-type=none",
        "--watch-cache=true",
        "--profiling=false",
    ]


def controller_manager_args(
    binaries: Binaries, settings: ControlPlaneSettings, pki: Pki, kubeconfig: Path, port: int
) -> list[str]:
    """kube-controller-manager: every default controller, each with its own service account."""
    return [
        str(binaries.kube_controller_manager),
        f"--kubeconfig={kubeconfig}",
        # Delegated authentication (tokens) and authorization of its own endpoint; no lookup of
        # the front-proxy CA, which this API server (no aggregated APIs) does not have.
        f"--authentication-kubeconfig={kubeconfig}",
        "--authentication-skip-lookup=true",
        f"--authorization-kubeconfig={kubeconfig}",
        "--bind-address=127.0.0.1",
        f"--secure-port={port}",
        f"--cert-dir={settings.workdir / 'controller-manager-certs'}",
        f"--service-account-private-key-file={pki.service_account_key}",
        f"--root-ca-file={pki.ca.cert}",
        "--use-service-account-credentials=true",
        # One instance: no election round-trip before the controllers start.
        "--leader-elect=false",
        "--controllers=*",
        "--profiling=false",
    ]
