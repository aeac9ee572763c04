"""``kube-devops watch``: the watch controller (port 8080)."""

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
    from kube_devops.components.watch.controller import WatchControllerSettings


def register(subparsers: SubParsers) -> None:
    """Add the ``watch`` verb."""
    parser = add_verb(
        subparsers,
        "watch",
        help="run the watch controller (live governance scores on :8080/metrics)",
        examples=(
            "kube-devops watch --kubeconfig ~/.kube/config",
            "kube-devops watch --port 0 --no-leader-election --log-level DEBUG",
        ),
        exit_codes=SERVER_EXIT_CODES,
    )
    add_server_flags(parser, PORTS[Component.WATCH])
    add_lease_flags(parser, Component.WATCH)
    add_readiness_flag(parser)
    parser.add_argument(
        "--watch-timeout",
        type=positive_seconds,
        default=60.0,
        help="server-side timeout of each watch in seconds (default: %(default)g)",
    )
    add_log_level_flag(parser)
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def settings_from(args: argparse.Namespace) -> WatchControllerSettings:
    """The controller settings for parsed ``args``."""
    from kube_devops.components.watch.controller import WATCH_LEASE, WatchControllerSettings
    from kube_devops.kube.watch import WatchSettings
    from kube_devops.runtime.settings import ClusterSettings, ServeSettings

    return WatchControllerSettings(
        serve=ServeSettings(host=args.host, port=args.port),
        cluster=cluster_settings(args, ClusterSettings()),
        lease=lease_settings(args, WATCH_LEASE),
        watch=WatchSettings(timeout_seconds=max(1, round(args.watch_timeout))),
        readiness_grace=args.readiness_grace,
    )


def _run(args: argparse.Namespace) -> int:
    import asyncio

    from kube_devops.components.watch.controller import run_watch
    from kube_devops.kube.errors import ConfigError
    from kube_devops.runtime.logging import configure_logging

    configure_logging(args.log_level)
    try:
        return asyncio.run(run_watch(settings_from(args)))
    except ConfigError as err:
        raise CliError(str(err), EXIT_FAILURE) from None
