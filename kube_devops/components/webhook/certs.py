"""Certificates for the webhook: a CA (reused when given) and a server certificate it signs.

The server certificate names the Service the API server calls: ``svc``, ``svc.ns``,
``svc.ns.svc`` and ``svc.ns.svc.cluster.local``, plus any extra DNS names and IPs. Keys are
ECDSA P-256 written as PKCS#8 PEM with mode 0600; every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
"""Validity of a newly created CA, in days (ten years)."""
_BACKDATE = dt.timedelta(minutes=5)


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
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _server_cert(key, ca_key, ca_cert, dns, ips, now, not_after)
    out = req.output_dir
    out.mkdir(parents=True, exist_ok=True)
    files = [_write(out / "ca.crt", _pem(ca_cert), 0o644)]
    if not reused:
        files.append(_write(out / "ca.key", _key_pem(ca_key), 0o600))
    files.append(_write(out / "tls.crt", _pem(cert), 0o644))
    files.append(_write(out / "tls.key", _key_pem(key), 0o600))
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
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "kube-devops-webhook-ca"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kube-devops"),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + dt.timedelta(days=max(CA_DAYS, req.days)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert, False


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


def _server_cert(
    key: ec.EllipticCurvePrivateKey,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    dns: tuple[str, ...],
    ips: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...],
    now: dt.datetime,
    not_after: dt.datetime,
) -> x509.Certificate:
    sans: list[x509.GeneralName] = [x509.DNSName(name) for name in dns]
    sans += [x509.IPAddress(ip) for ip in ips]
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns[2])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(aki, critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, mode: int) -> Path:
    """Write atomically: a temporary file with the final mode, then rename over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path
