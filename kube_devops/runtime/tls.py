"""Server TLS from certificate and key files, reloaded when the files change.

:func:`server_context` builds an ``ssl.SSLContext`` that refuses anything below TLS 1.2 and, in
TLS 1.2, offers only AEAD suites with forward secrecy (ECDHE with AES-GCM or ChaCha20-Poly1305;
TLS 1.3 suites are all AEAD). :class:`CertReloader` watches the two files (following symlinks, so
a Kubernetes Secret volume's ``..data`` swap counts as a change) and loads a changed pair into a
*fresh* context first: a pair that does not load (certificate and key not matching, half written,
unreadable) is refused with an error log naming both files, and the previous pair keeps serving.
A pair that loads becomes the serving one: the listening context's SNI callback, called on every
handshake, hands each new connection the current context. No restart, no listener rebuild; a
valid pair is picked up whenever it appears, the previous one put back included.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_Signature = tuple[tuple[int, int, int], ...]

#: TLS 1.2 suites offered: ECDHE key exchange with an AEAD cipher only (no CBC, no SHA-1 MAC).
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"


class TlsFilesError(ValueError):
    """The certificate or key file cannot be used; the message names the file and the fix."""


def server_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """A server context, TLS >= 1.2, with the chain loaded from ``cert_file`` and ``key_file``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_COMPRESSION
    context.set_ciphers(TLS12_CIPHERS)
    load_chain(context, cert_file, key_file)
    return context


def load_chain(context: ssl.SSLContext, cert_file: Path, key_file: Path) -> None:
    """Load the pair into ``context``; :class:`TlsFilesError` names the file that is wrong."""
    for path in (cert_file, key_file):
        if not path.is_file():
            raise TlsFilesError(
                f"TLS file {path} does not exist; pass --tls-cert/--tls-key or create the pair"
                " with 'kube-devops webhook cert-generate'"
            )
    try:
        context.load_cert_chain(str(cert_file), str(key_file))
    except (ssl.SSLError, OSError) as err:
        raise TlsFilesError(
            f"cannot load certificate {cert_file} with key {key_file}: {err}; check that both are"
            " PEM and that the key belongs to the certificate"
        ) from None


def _signature(paths: tuple[Path, ...]) -> _Signature:
    stats = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            stats.append((0, 0, 0))
        else:
            stats.append((st.st_mtime_ns, st.st_ino, st.st_size))
    return tuple(stats)


@dataclass
class CertReloader:
    """Serve the pair in ``cert_file``/``key_file`` through ``context``, reloaded on change.

    ``context`` is the listening context (from :func:`server_context`); its ``sni_callback`` is
    set here. Call :meth:`check` to poll once, or run :meth:`run` as a task.
    """

    context: ssl.SSLContext
    cert_file: Path
    key_file: Path
    interval: float = 1.0
    """Seconds between two checks of the files."""
    reloads: int = 0
    """How many times a changed pair was loaded successfully."""
    _serving: ssl.SSLContext | None = field(default=None, init=False)
    _last: _Signature = field(default=(), init=False)
    _failed: _Signature = field(default=(), init=False)

    def __post_init__(self) -> None:
        self._last = _signature((self.cert_file, self.key_file))
        self._serving = self.context
        self.context.sni_callback = self._hand_over

    def _hand_over(self, conn: ssl.SSLObject, _name: str | None, context: ssl.SSLContext) -> None:
        """SNI callback: a new connection gets the context of the current pair."""
        if self._serving is not None and self._serving is not context:
            conn.context = self._serving

    def check(self) -> bool:
        """Load the files if they changed since the last look; True when a new pair serves."""
        current = _signature((self.cert_file, self.key_file))
        if current in (self._last, self._failed):
            return False
        try:
            fresh = server_context(self.cert_file, self.key_file)
        except TlsFilesError as err:
            self._failed = current  # logged once per change, tried again when the files move
            log.error(
                "TLS pair refused, the previous certificate keeps serving: %s",
                err,
                extra={"cert": str(self.cert_file), "key": str(self.key_file)},
            )
            return False
        self._serving = fresh
        self._last = current
        self._failed = ()
        self.reloads += 1
        log.info("tls_reloaded", extra={"cert": str(self.cert_file), "key": str(self.key_file)})
        return True

    async def run(self) -> None:
        """Poll forever (until cancelled), every ``interval`` seconds."""
        while True:
            await asyncio.sleep(self.interval)
            self.check()
