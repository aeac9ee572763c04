"""Server TLS from certificate and key files, reloaded in place when the files change.

:func:`server_context` builds an ``ssl.SSLContext`` that refuses anything below TLS 1.2.
:class:`CertReloader` watches the two files (following symlinks, so a Kubernetes Secret volume's
``..data`` swap counts as a change) and calls ``load_cert_chain`` again on the *same* context:
new handshakes get the new certificate, no restart and no listener rebuild. A half-written pair
(certificate and key not matching yet) is logged and retried on the next check; the previous
certificate stays in use meanwhile.
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


class TlsFilesError(ValueError):
    """The certificate or key file cannot be used; the message names the file and the fix."""


def server_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """A server context, TLS >= 1.2, with the chain loaded from ``cert_file`` and ``key_file``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_COMPRESSION
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
    """Reload ``cert_file``/``key_file`` into ``context`` whenever their stat signature changes.

    Call :meth:`check` to poll once, or run :meth:`run` as a task.
    """

    context: ssl.SSLContext
    cert_file: Path
    key_file: Path
    interval: float = 1.0
    """Seconds between two checks of the files."""
    reloads: int = 0
    """How many times a changed pair was loaded successfully."""
    _last: _Signature = field(default=(), init=False)
    _failed: _Signature = field(default=(), init=False)

    def __post_init__(self) -> None:
        self._last = _signature((self.cert_file, self.key_file))

    def check(self) -> bool:
        """Reload if the files changed since the last successful load; True when reloaded."""
        current = _signature((self.cert_file, self.key_file))
        if current in (self._last, self._failed):
            return False
        try:
            load_chain(self.context, self.cert_file, self.key_file)
        except TlsFilesError as err:
            self._failed = current  # logged once per change, retried when the files move again
            log.warning("tls_reload_failed", extra={"error": str(err)})
            return False
        self._last = current
        self.reloads += 1
        log.info("tls_reloaded", extra={"cert": str(self.cert_file)})
        return True

    async def run(self) -> None:
        """Poll forever (until cancelled), every ``interval`` seconds."""
        while True:
            await asyncio.sleep(self.interval)
            self.check()
