"""``webhook cert-generate`` and ``webhook install-config`` through the CLI entry point."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from kube_devops.cli.main import main

SVC = "kube-devops-webhook"


def _openssl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _generate(out: Path, *extra: str) -> int:
    return main(["webhook", "cert-generate", "--output-dir", str(out), *extra])


def test_cert_generate_writes_a_verifiable_pair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "certs"
    code = _generate(
        out, "--namespace", "team-x", "--ip-san", "10.0.0.5", "--dns-san", "hook.example.com",
        "--days", "30",
    )  # fmt: skip
    printed = capsys.readouterr().out

    assert code == 0
    assert f"wrote {out / 'tls.key'}" in printed
    assert "CA: created" in printed
    verify = _openssl("verify", "-CAfile", str(out / "ca.crt"), str(out / "tls.crt"))
    assert verify.stdout.strip() == f"{out / 'tls.crt'}: OK"
    sans = _openssl("x509", "-in", str(out / "tls.crt"), "-noout", "-ext", "subjectAltName")
    assert sans.stdout.split("\n", 1)[1].strip() == (
        "DNS:kube-devops-webhook, DNS:kube-devops-webhook.team-x,"
        " DNS:kube-devops-webhook.team-x.svc, DNS:kube-devops-webhook.team-x.svc.cluster.local,"
        " DNS:hook.example.com, IP Address:10.0.0.5"
    )
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    assert modes == {"ca.crt": 0o644, "ca.key": 0o600, "tls.crt": 0o644, "tls.key": 0o600}


def test_certificate_fields(tmp_path: Path) -> None:
    assert _generate(tmp_path, "--days", "30") == 0
    server, ca = _cert(tmp_path / "tls.crt"), _cert(tmp_path / "ca.crt")

    assert server.not_valid_after_utc - server.not_valid_before_utc == dt.timedelta(
        days=30, minutes=5
    )
    assert ca.not_valid_after_utc - ca.not_valid_before_utc == dt.timedelta(days=3650, minutes=5)
    assert server.subject.rfc4514_string() == f"CN={SVC}.kube-devops.svc"
    usage = server.extensions.get_extension_for_class(x509.KeyUsage).value
    assert (usage.digital_signature, usage.key_cert_sign) == (True, False)
    eku = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    ca_constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert (ca_constraints.ca, ca_constraints.path_length) == (True, 0)
    ca_usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert (ca_usage.key_cert_sign, ca_usage.crl_sign) == (True, True)


def test_given_ca_is_reused(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert _generate(first) == 0
    code = _generate(
        second, "--ca-cert", str(first / "ca.crt"), "--ca-key", str(first / "ca.key"),
        "--ip-san", "127.0.0.1",
    )  # fmt: skip

    assert code == 0
    assert (second / "ca.crt").read_bytes() == (first / "ca.crt").read_bytes()
    assert not (second / "ca.key").exists()
    verify = _openssl("verify", "-CAfile", str(first / "ca.crt"), str(second / "tls.crt"))
    assert verify.returncode == 0
    sans = _cert(second / "tls.crt").extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert sans.value.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ip-san", "ten.0.0.1"], "--ip-san 'ten.0.0.1' is not an IP address"),
        (["--ca-cert", "ca.crt"], "--ca-cert and --ca-key go together"),
        (["--days", "0"], "--days 0 must be at least 1"),
    ],
)
def test_cert_generate_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = _generate(tmp_path, *args)

    assert code == 2
    assert message in capsys.readouterr().err


def test_install_config_prints_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _generate(tmp_path) == 0
    capsys.readouterr()
    code = main(
        ["webhook", "install-config", "--ca-bundle-path", str(tmp_path / "ca.crt"),
         "--namespace", "governance", "--fail-closed"]
    )  # fmt: skip
    config = yaml.safe_load(capsys.readouterr().out)

    assert code == 0
    (hook,) = config["webhooks"]
    assert base64.b64decode(hook["clientConfig"]["caBundle"]) == (tmp_path / "ca.crt").read_bytes()
    assert hook["clientConfig"]["service"] == {
        "name": SVC, "namespace": "governance", "path": "/validate", "port": 8443,
    }  # fmt: skip
    assert hook["failurePolicy"] == "Fail"


def test_install_config_missing_bundle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["webhook", "install-config", "--ca-bundle-path", str(tmp_path / "nope.crt")])

    assert code == 2
    assert "No such file or directory; pass the ca.crt written by" in capsys.readouterr().err


def test_serve_refuses_missing_tls_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["webhook", "serve", "--addr", "127.0.0.1:0", "--tls-cert", str(tmp_path / "tls.crt"),
         "--tls-key", str(tmp_path / "tls.key")]
    )  # fmt: skip

    assert code == 2
    assert f"TLS file {tmp_path / 'tls.crt'} does not exist" in capsys.readouterr().err
