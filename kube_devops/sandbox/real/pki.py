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
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = dt.timedelta(days=2)
"""Validity of every certificate: a sandbox lives for hours, not years."""
_BACKDATE = dt.timedelta(minutes=5)
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
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _ca_certificate(ca_key, now)
    ca_files = (
        _write(folder / "ca.crt", _cert_pem(ca_cert)),
        _write_key(folder / "ca.key", ca_key),
    )
    ca = KeyPair(*ca_files)

    def issue(name: str, common_name: str, *, server: bool, org: str | None = None) -> KeyPair:
        key = ec.generate_private_key(ec.SECP256R1())
        spec = _Subject(common_name, org, server)
        cert = _leaf_certificate(key, ca_key, ca_cert, spec, now)
        return KeyPair(
            _write(folder / f"{name}.crt", _cert_pem(cert)), _write_key(folder / f"{name}.key", key)
        )

    sa_key = ec.generate_private_key(ec.SECP256R1())
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
        service_account_key=_write_key(folder / "sa.key", sa_key),
        service_account_pub=_write(folder / "sa.pub", sa_pub),
    )


@dataclass(frozen=True, slots=True)
class _Subject:
    common_name: str
    organization: str | None
    server: bool


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def _ca_certificate(key: ec.EllipticCurvePrivateKey, now: dt.datetime) -> x509.Certificate:
    name = _name("kube-devops-sandbox-ca", "kube-devops")
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    key: ec.EllipticCurvePrivateKey,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    subject: _Subject,
    now: dt.datetime,
) -> x509.Certificate:
    usage = ExtendedKeyUsageOID.SERVER_AUTH if subject.server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject.common_name, subject.organization))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if subject.server:
        sans = [x509.IPAddress(_LOOPBACK), x509.DNSName("localhost")]
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> Path:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return _write(path, pem, 0o600)


def _write(path: Path, data: bytes, mode: int = 0o644) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
    return path
