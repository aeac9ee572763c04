"""``kube-devops reconcile``: the DevOpsPolicy operator (port 9090)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kube_devops.cli.common import (
    EXIT_FAILURE,
    SERVER_EXIT_CODES,
    CliError,
    SubParsers,
    add_cluster_flags,
    add_lease_flags,
    add_log_level_flag,
    add_readiness_flag,
    add_server_flags,
    add_verb,
    cluster_settings,
    lease_settings,
    positive_seconds,
)
from kube_devops.core.catalog import PORTS, Component

if TYPE_CHECKING:
    from kube_devops.components.reconcile import ReconcileSettings


def register(subparsers: SubParsers) -> None:
    """Add the ``reconcile`` verb."""
    parser = add_verb(
        subparsers,
        "reconcile",
        help="run the DevOpsPolicy operator (status, enforcement, :9090 metrics)",
        examples=(
            "kube-devops reconcile --kubeconfig ~/.kube/config",
            "kube-devops reconcile --port 0 --interval 10",
        ),
        exit_codes=SERVER_EXIT_CODES,
    )
    add_server_flags(parser, PORTS[Component.RECONCILE])
    parser.add_argument(
        "--interval",
        type=positive_seconds,
        default=30.0,
        help="seconds between full re-evaluations (default: %(default)g)",
    )
    add_readiness_flag(parser)
    add_lease_flags(parser, Component.RECONCILE)
    add_log_level_flag(parser)
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def settings_from(args: argparse.Namespace) -> ReconcileSettings:
    """The operator settings for parsed ``args``."""
    from kube_devops.components.reconcile import ReconcileSettings
    from kube_devops.components.reconcile.settings import RECONCILE_LEASE
    from kube_devops.runtime.settings import ClusterSettings, ServeSettings

    return ReconcileSettings(
        serve=ServeSettings(host=args.host, port=args.port),
        cluster=cluster_settings(args, ClusterSettings()),
        lease=lease_settings(args, RECONCILE_LEASE),
        interval=args.interval,
        readiness_grace=args.readiness_grace,
    )


def _run(args: argparse.Namespace) -> int:
    import asyncio

    from kube_devops.components.reconcile import run_reconcile
    from kube_devops.kube.errors import ConfigError
    from kube_devops.runtime.logging import configure_logging

    configure_logging(args.log_level)
    try:
        return asyncio.run(run_reconcile(settings_from(args)))
    except ConfigError as err:
        raise CliError(str(err), EXIT_FAILURE) from None
