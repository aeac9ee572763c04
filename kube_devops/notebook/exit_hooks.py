"""Run a clean-up when the interpreter exits, also on SIGTERM: what a notebook kernel needs so
that shutting it down (or restarting it) stops the sandbox it started and removes its files."""

from __future__ import annotations

import atexit
import signal
import sys
import threading
from collections.abc import Callable


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def close_on_exit(close: Callable[[], None]) -> None:
    """Call ``close`` at interpreter exit. SIGTERM (which a kernel gets when it does not answer
    its shutdown request in time) becomes a normal exit when nothing else handles it, and a
    second SIGTERM is ignored while ``close`` runs."""

    def close_at_exit() -> None:
        if _in_main_thread():
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        close()

    def on_sigterm(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.exit(128 + signal.SIGTERM)

    atexit.register(close_at_exit)
    if _in_main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, on_sigterm)
