"""Certificates and keys of the real control plane on loopback.

One CA signs everything: kube-apiserver's serving certificate (IP SAN ``127.0.0.1``, DNS
``localhost``), the admin's client certificate (``O=system:masters``) and the
kube-controller-manager's (``CN=system:kube-controller-manager``, the identity the bootstrap RBAC
policy grants its access to). Plus the service-account key pair kube-apiserver signs tokens with.
Keys are ECDSA P-256, PKCS#8 PEM, mode 0600. (etcd serves plain HTTP on loopback: only
kube-apiserver and tests talk to it.)
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kube_devops.runtime.x509 import (
    ca_certificate,
    cert_pem,
    leaf_certificate,
    name,
    new_key,
    write_file,
    write_key,
)

VALIDITY = dt.timedelta(days=2)
"""Validity of every certificate: a sandbox lives for hours, not years."""
_LOOPBACK = ipaddress.ip_address("127.0.0.1")


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A certificate and its key, as files."""

    cert: Path
    key: Path


@dataclass(frozen=True, slots=True)
class Pki:
    """Every file the control plane needs (see the module docstring)."""

    ca: KeyPair
    apiserver_server: KeyPair
    admin: KeyPair
    controller_manager: KeyPair
    service_account_key: Path
    """Private key that signs service-account tokens (kube-apiserver and the controllers)."""
    service_account_pub: Path
    """Its public key, which kube-apiserver verifies tokens with."""


def create_pki(folder: Path) -> Pki:
    """Generate the CA, the certificates and the service-account key pair into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = new_key()
    ca_cert = ca_certificate(
        ca_key, name("kube-devops-sandbox-ca", "kube-devops"), now, now + VALIDITY
    )
    ca = KeyPair(
        write_file(folder / "ca.crt", cert_pem(ca_cert)), write_key(folder / "ca.key", ca_key)
    )

    def issue(file: str, common_name: str, *, server: bool, org: str | None = None) -> KeyPair:
        key = new_key()
        sans = [x509.IPAddress(_LOOPBACK), x509.DNSName("localhost")] if server else []
        cert = leaf_certificate(
            key, (ca_key, ca_cert), name(common_name, org), server=server, sans=sans,
            validity=(now, now + VALIDITY),
        )  # fmt: skip
        return KeyPair(
            write_file(folder / f"{file}.crt", cert_pem(cert)),
            write_key(folder / f"{file}.key", key),
        )

    sa_key = new_key()
    sa_pub = sa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Pki(
        ca=ca,
        apiserver_server=issue("apiserver", "kube-apiserver", server=True),
        admin=issue("admin", "kube-devops-sandbox-admin", server=False, org="system:masters"),
        controller_manager=issue(
            "controller-manager", "system:kube-controller-manager", server=False
        ),
        service_account_key=write_key(folder / "sa.key", sa_key),
        service_account_pub=write_file(folder / "sa.pub", sa_pub),
    )
