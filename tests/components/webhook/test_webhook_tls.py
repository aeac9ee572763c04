"""TLS of the running webhook: TLS 1.1 and CBC suites refused, 1.2 verified, certificates
replaced live, a mismatched pair refused while the previous one serves."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import ssl
import subprocess
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest

from kube_devops.runtime.tls import CertReloader, server_context
from tests.components.webhook.webhook_support import RunningWebhook, make_certs, running_webhook
from tests.support.waiting import eventually


async def _synced_empty(cache: Any) -> None:
    cache.resync([])
    await asyncio.Event().wait()


def _s_client(port: int, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *flags],
        input="",
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


async def _peer_cert(hook: RunningWebhook, ca_file: Path) -> bytes:
    context = ssl.create_default_context(cafile=str(ca_file))
    _reader, writer = await asyncio.open_connection("127.0.0.1", hook.port, ssl=context)
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
        await writer.wait_closed()
    assert isinstance(der, bytes)
    return der


TLS11 = ("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")


def test_control_the_tls11_client_works_against_a_server_allowing_tls11(tmp_path: Path) -> None:
    make_certs(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "tls.crt", tmp_path / "tls.key")
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1_1
    versions: list[str | None] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def accept_one() -> None:
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                versions.append(tls.version())

        thread = threading.Thread(target=accept_one)
        thread.start()
        client = _s_client(listener.getsockname()[1], *TLS11)
        thread.join(10)

    assert versions == ["TLSv1.1"]
    assert "Cipher is ECDHE-ECDSA" in client.stdout


async def test_tls11_refused_tls12_verified(tmp_path: Path) -> None:
    async with running_webhook(tmp_path, feed=_synced_empty) as hook:
        old = await asyncio.to_thread(_s_client, hook.port, *TLS11)
        new = await asyncio.to_thread(
            _s_client, hook.port, "-tls1_2", "-CAfile", str(hook.ca_file), "-verify_return_error"
        )

    assert old.returncode != 0
    assert "New, (NONE), Cipher is (NONE)" in old.stdout
    assert "no protocols available" not in old.stderr  # the client did offer TLS 1.1
    assert new.returncode == 0, new.stderr
    assert "Verify return code: 0 (ok)" in new.stdout
    assert "Protocol  : TLSv1.2" in new.stdout


async def test_replaced_certificate_is_served_without_restart(tmp_path: Path) -> None:
    async with running_webhook(tmp_path, feed=_synced_empty) as hook:
        before = await _peer_cert(hook, hook.ca_file)
        fresh = tmp_path / "fresh"
        new_ca = make_certs(fresh)
        for name in ("tls.crt", "tls.key"):
            shutil.copy(fresh / name, tmp_path / f".{name}.new")
            (tmp_path / f".{name}.new").replace(tmp_path / name)

        async def served_new() -> bytes | None:
            try:
                return await _peer_cert(hook, new_ca)
            except ssl.SSLCertVerificationError:
                return None

        after = await eventually(served_new, 5, "the new certificate served")
        assert not hook.task.done()

    assert after != before
    assert after == ssl.PEM_cert_to_DER_cert((fresh / "tls.crt").read_text())


def test_half_written_pair_keeps_the_old_certificate(tmp_path: Path) -> None:
    make_certs(tmp_path)
    context = server_context(tmp_path / "tls.crt", tmp_path / "tls.key")
    reloader = CertReloader(context, tmp_path / "tls.crt", tmp_path / "tls.key")
    other = tmp_path / "other"
    make_certs(other)

    shutil.copy(other / "tls.crt", tmp_path / "tls.crt")  # new cert, old key: mismatch
    first = reloader.check()
    shutil.copy(other / "tls.key", tmp_path / "tls.key")  # now the pair matches
    second = reloader.check()
    third = reloader.check()

    assert (first, second, third) == (False, True, False)
    assert reloader.reloads == 1


def _save(directory: Path) -> dict[str, Path]:
    """Hard links to the pair in ``directory``: putting them back restores the exact stat
    signature (inode, size, mtime) the reloader saw first."""
    saved = {}
    for name in ("tls.crt", "tls.key"):
        saved[name] = directory / f"saved-{name}"
        os.link(directory / name, saved[name])
    return saved


async def test_a_mismatched_pair_is_refused_and_any_valid_pair_serves(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = tmp_path / "other"
    other_ca = make_certs(other)
    async with running_webhook(tmp_path, feed=_synced_empty) as hook:
        first = await _peer_cert(hook, hook.ca_file)
        saved = _save(tmp_path)
        # a half-rotated pair: the new certificate with the old key
        shutil.copy(other / "tls.crt", tmp_path / ".tls.crt.new")
        (tmp_path / ".tls.crt.new").replace(tmp_path / "tls.crt")
        await eventually(lambda: "TLS pair refused" in caplog.text, 5, "the refusal logged")
        during = await _peer_cert(hook, hook.ca_file)  # still the first pair, handshakes work
        # the old pair put back, exactly as it was: nothing to reload, it never stopped serving
        for name, path in saved.items():
            os.replace(path, tmp_path / name)
        await asyncio.sleep(0.3)
        restored = await _peer_cert(hook, hook.ca_file)
        # now the full new pair: picked up
        for name in ("tls.crt", "tls.key"):
            shutil.copy(other / name, tmp_path / f".{name}.new")
            (tmp_path / f".{name}.new").replace(tmp_path / name)

        async def served_other() -> bytes | None:
            try:
                return await _peer_cert(hook, other_ca)
            except ssl.SSLCertVerificationError:
                return None

        rotated = await eventually(served_other, 5, "the new pair served")

    assert during == restored == first
    assert rotated == ssl.PEM_cert_to_DER_cert((other / "tls.crt").read_text())
    refusals = [r for r in caplog.records if r.getMessage().startswith("TLS pair refused")]
    assert len(refusals) == 1
    assert refusals[0].levelno == logging.ERROR
    assert f"certificate {tmp_path / 'tls.crt'} with key {tmp_path / 'tls.key'}" in (
        refusals[0].getMessage()
    )


CBC_SUITES = "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA"
AEAD_SUITE = "ECDHE-ECDSA-AES128-GCM-SHA256"


async def test_tls12_offers_only_aead_suites(tmp_path: Path) -> None:
    async with running_webhook(tmp_path, feed=_synced_empty) as hook:
        cbc = await asyncio.to_thread(_s_client, hook.port, "-tls1_2", "-cipher", CBC_SUITES)
        aead = await asyncio.to_thread(
            _s_client, hook.port, "-tls1_2", "-cipher", AEAD_SUITE, "-CAfile", str(hook.ca_file)
        )

    assert cbc.returncode != 0
    assert "New, (NONE), Cipher is (NONE)" in cbc.stdout
    assert aead.returncode == 0, aead.stderr
    assert f"Cipher is {AEAD_SUITE}" in aead.stdout


def test_control_the_cbc_client_works_against_a_server_offering_cbc(tmp_path: Path) -> None:
    make_certs(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "tls.crt", tmp_path / "tls.key")  # Python's default suites
    ciphers: list[tuple[str, str, int] | None] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def accept_one() -> None:
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                ciphers.append(tls.cipher())

        thread = threading.Thread(target=accept_one)
        thread.start()
        client = _s_client(listener.getsockname()[1], "-tls1_2", "-cipher", CBC_SUITES)
        thread.join(10)

    assert len(ciphers) == 1
    assert ciphers[0] is not None
    assert ciphers[0][0] in {"ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384"}
    assert f"Cipher is {ciphers[0][0]}" in client.stdout
