"""The flags of ``kube-devops webhook serve`` and the parsing of their values.

:func:`add_limit_flags` adds the connection limits (timeouts, ``--max-connections``) and
:func:`limits` reads the timeouts back as ``ServeSettings`` keyword arguments;
:func:`severity` parses ``--deny-severity`` and :func:`parse_addr` splits ``--addr``.
"""

from __future__ import annotations

import argparse

from kube_devops.cli.common import CliError, positive_seconds
from kube_devops.core.checks import Severity

#: ``webhook serve``'s connection limits: (flag, ``ServeSettings`` field, default, help). The
#: defaults are ``ServeSettings``'s (a test holds them equal; the settings module is not imported
#: here, to keep ``--help`` fast).
_LIMITS = (
    ("--handshake-timeout", "handshake_timeout", 10, "seconds to complete the TLS handshake"),
    ("--header-timeout", "header_timeout", 10,
     "seconds to send the request headers, from the connection's start or the first byte"
     " after an idle period"),
    ("--body-timeout", "body_timeout", 30,
     "seconds from the end of the headers until the answer is ready (the body must arrive)"),
    ("--idle-timeout", "idle_timeout", 60,
     "seconds a kept-alive connection may wait for its next request"),
)  # fmt: skip
#: Default of ``--max-connections`` (``ServeSettings.max_connections``).
MAX_CONNECTIONS = 1000


def add_limit_flags(serve: argparse.ArgumentParser) -> None:
    """Add the timeout flags and ``--max-connections`` to ``serve``."""
    for flag, _field, default, text in _LIMITS:
        serve.add_argument(
            flag, type=positive_seconds, default=default, metavar="SECONDS",
            help=f"{text} (default: %(default)s)",
        )  # fmt: skip
    serve.add_argument(
        "--max-connections",
        type=_positive_count,
        default=MAX_CONNECTIONS,
        metavar="N",
        help="open connections at most (default: %(default)s)",
    )


def limits(args: argparse.Namespace) -> dict[str, float]:
    """The parsed timeouts, by their ``ServeSettings`` field."""
    return {field: getattr(args, field) for _flag, field, _default, _help in _LIMITS}


def _positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count; use a whole number above 0")
    return int(text)


def severity(text: str) -> Severity:
    """``--deny-severity``'s value; argparse's error naming the allowed ones otherwise."""
    try:
        return Severity.parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def parse_addr(addr: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8443``, ``:8443``) -> (host, port); CliError when malformed."""
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise CliError(f"--addr {addr!r} must be HOST:PORT, e.g. 0.0.0.0:8443")
    return host.strip("[]") or "0.0.0.0", int(port)
