"""``kube-devops reconcile``: the DevOpsPolicy operator (port 9090)."""

from __future__ import annotations

import argparse
import asyncio

from kube_devops.cli.common import EXIT_FAILURE, CliError, add_cluster_flags
from kube_devops.components.reconcile import ReconcileSettings, run_reconcile
from kube_devops.core.catalog import PORTS, Component
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import ConfigError
from kube_devops.runtime.logging import configure_logging


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``reconcile`` verb."""
    parser = subparsers.add_parser(
        "reconcile", help="run the DevOpsPolicy operator (status, enforcement, :9090 metrics)"
    )
    parser.add_argument(
        "--port", type=_port, default=PORTS[Component.RECONCILE], help="metrics port (0 = any)"
    )
    parser.add_argument(
        "--interval", type=_seconds, default=30.0, help="seconds between full re-evaluations"
    )
    parser.add_argument(
        "--lease-namespace", default="kube-devops", help="namespace of the leader-election Lease"
    )
    parser.add_argument("--host", default="0.0.0.0", help="interface to listen on")
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def settings_from(args: argparse.Namespace) -> ReconcileSettings:
    """The operator settings for parsed ``args``."""
    return ReconcileSettings(
        cluster=ClusterConfig(args.kubeconfig, args.context),
        host=args.host,
        port=args.port,
        interval=args.interval,
        lease_namespace=args.lease_namespace,
    )


def _run(args: argparse.Namespace) -> int:
    configure_logging()
    try:
        return asyncio.run(run_reconcile(settings_from(args)))
    except ConfigError as err:
        raise CliError(str(err), EXIT_FAILURE) from None


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; use 0-65535, e.g. 9090")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds, e.g. 30")
    return value
