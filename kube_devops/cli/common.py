"""Helpers shared by the command modules: cluster flags, exit codes, errors."""

from __future__ import annotations

import argparse

from kube_devops.manifests.labels import DEFAULT_NAMESPACE

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_BELOW_MIN_SCORE = 3


class CliError(Exception):
    """An error the user can act on; printed as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_cluster_flags(parser: argparse.ArgumentParser) -> None:
    """``--kubeconfig`` and ``--context``, taken by every cluster-facing command.

    With neither, the adapter honours ``KUBECONFIG`` and then the in-cluster configuration.
    """
    parser.add_argument(
        "--kubeconfig", metavar="PATH", default=None, help="kubeconfig file (default: $KUBECONFIG)"
    )
    parser.add_argument("--context", metavar="NAME", default=None, help="kubeconfig context")


def add_lease_namespace_flag(parser: argparse.ArgumentParser) -> None:
    """``--lease-namespace``: where the leader-election Leases live (the components' namespace)."""
    parser.add_argument(
        "--lease-namespace",
        default=DEFAULT_NAMESPACE,
        help="namespace of the leader-election Lease (default: %(default)s)",
    )


def port_number(text: str) -> int:
    """``--port`` values: 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; use 0-65535 (0 = any free)")
    return int(text)


def positive_seconds(text: str) -> float:
    """Durations in seconds: any number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds, e.g. 30")
    return value


def add_server_flags(parser: argparse.ArgumentParser, default_port: int) -> None:
    """``--port`` and ``--host`` of a component's HTTP server (probes and ``/metrics``)."""
    parser.add_argument(
        "--port",
        type=port_number,
        default=default_port,
        help="port of /metrics and the probes, 0 = any free (default: %(default)s)",
    )
    parser.add_argument(
        "--host", default="0.0.0.0", help="interface to listen on (default: %(default)s)"
    )
