"""Child processes that die with their parent, and stop when asked.

On Linux a child started with :func:`die_with_parent` as its ``preexec_fn`` asks the kernel
(``prctl(PR_SET_PDEATHSIG)``) for a signal when its parent goes away, even by SIGKILL, so a
killed sandbox or notebook kernel leaves no server listening behind it. The kernel ties this to
the *thread* that started the child: start children from a thread that lives as long as they
(the main thread, or a supervisor thread that stops them before it ends). Elsewhere the hook is
``None`` and nothing changes. :func:`stop_process` ends a child: SIGTERM, then SIGKILL when it
does not exit in time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import subprocess
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _libc() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


#: Loaded once in the parent: loading a library between fork and exec can deadlock.
_LIBC = _libc()


def die_with_parent(sig: signal.Signals = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive ``sig`` when its parent dies (Linux),
    or ``None`` where the kernel offers no such thing."""
    libc = _LIBC
    if libc is None:
        return None
    number = int(sig)

    def hook() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, number)

    return hook


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM ``process`` and wait; SIGKILL it when it does not exit within ``timeout``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
