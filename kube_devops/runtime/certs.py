"""Certificates for the webhook (``kube-devops webhook cert-generate`` and the sandbox): a CA
(reused when given) and a server certificate it signs.

The server certificate names the Service the API server calls: ``svc``, ``svc.ns``,
``svc.ns.svc`` and ``svc.ns.svc.cluster.local``, plus any extra DNS names and IPs. Keys are
ECDSA P-256 written as PKCS#8 PEM with mode 0600; every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes

from kube_devops.runtime.x509 import (
    ca_certificate,
    cert_pem,
    leaf_certificate,
    name,
    new_key,
    write_file,
    write_key,
)

CA_DAYS = 3650
"""Validity of a newly created CA, in days (ten years)."""


class CertError(ValueError):
    """Bad certificate input; the message names the file or flag and the fix."""


@dataclass(frozen=True)
class CertRequest:
    """What to generate (``kube-devops webhook cert-generate``)."""

    service_name: str = "kube-devops-webhook"
    """Name of the webhook Service."""
    namespace: str = "kube-devops"
    """Namespace of the Service."""
    output_dir: Path = Path(".")
    """Folder for ca.crt, (ca.key), tls.crt and tls.key; created when missing."""
    ip_sans: tuple[str, ...] = ()
    """Extra IP subject alternative names."""
    dns_sans: tuple[str, ...] = ()
    """Extra DNS subject alternative names."""
    days: int = 365
    """Validity of the server certificate, in days."""
    ca_cert: Path | None = None
    """Existing CA certificate to sign with (needs ``ca_key``)."""
    ca_key: Path | None = None
    """Private key of ``ca_cert``."""


@dataclass(frozen=True)
class CertResult:
    """What was written."""

    files: tuple[Path, ...]
    dns_sans: tuple[str, ...]
    ip_sans: tuple[str, ...]
    not_after: dt.datetime
    ca_reused: bool
    notes: tuple[str, ...] = field(default=())


def service_dns_names(service: str, namespace: str) -> tuple[str, ...]:
    """The four names a Service answers to inside the cluster."""
    return (
        service,
        f"{service}.{namespace}",
        f"{service}.{namespace}.svc",
        f"{service}.{namespace}.svc.cluster.local",
    )


def generate(req: CertRequest, *, now: dt.datetime | None = None) -> CertResult:
    """Create (or reuse) the CA, sign a server certificate, write the files."""
    if req.days < 1:
        raise CertError(f"--days {req.days} must be at least 1")
    now = now or dt.datetime.now(dt.UTC)
    ips = tuple(_parse_ip(ip) for ip in req.ip_sans)
    dns = tuple(dict.fromkeys(service_dns_names(req.service_name, req.namespace) + req.dns_sans))
    ca_key, ca_cert, reused = _ca(req, now)
    not_after = min(now + dt.timedelta(days=req.days), ca_cert.not_valid_after_utc)
    notes = () if not_after == now + dt.timedelta(days=req.days) else (
        f"server certificate validity cut to the CA's end {ca_cert.not_valid_after_utc:%Y-%m-%d}",
    )  # fmt: skip
    key = new_key()
    sans = [*(x509.DNSName(d) for d in dns), *(x509.IPAddress(ip) for ip in ips)]
    cert = leaf_certificate(
        key, (ca_key, ca_cert), name(dns[2]), server=True, sans=sans, validity=(now, not_after)
    )
    out = req.output_dir
    out.mkdir(parents=True, exist_ok=True)
    files = [write_file(out / "ca.crt", cert_pem(ca_cert))]
    if not reused:
        files.append(write_key(out / "ca.key", ca_key))
    files.append(write_file(out / "tls.crt", cert_pem(cert)))
    files.append(write_key(out / "tls.key", key))
    ip_text = tuple(str(ip) for ip in ips)
    return CertResult(tuple(files), dns, ip_text, not_after, reused, notes)


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise CertError(f"--ip-san {text!r} is not an IP address; use e.g. 10.0.0.5") from None


def _ca(
    req: CertRequest, now: dt.datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, bool]:
    if (req.ca_cert is None) != (req.ca_key is None):
        raise CertError("--ca-cert and --ca-key go together; pass both or neither")
    if req.ca_cert is not None and req.ca_key is not None:
        key, cert = _load_ca(req.ca_cert, req.ca_key)
        return key, cert, True
    key = new_key()
    not_after = now + dt.timedelta(days=max(CA_DAYS, req.days))
    return (
        key,
        ca_certificate(key, name("kube-devops-webhook-ca", "kube-devops"), now, not_after),
        False,
    )


def _load_ca(
    cert_path: Path, key_path: Path
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as err:
        raise CertError(
            f"cannot read the CA from --ca-cert {cert_path} / --ca-key {key_path}: {err};"
            " pass PEM files without a passphrase"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertError(f"--ca-key {key_path} must be an EC key (as cert-generate creates)")
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise CertError(f"--ca-key {key_path} does not belong to --ca-cert {cert_path}")
    return key, cert


def _spki(public_key: CertificatePublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
