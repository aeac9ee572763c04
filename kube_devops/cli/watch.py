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
    add_lease_namespace_flag,
    add_server_flags,
    add_verb,
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
    _add_lease_flags(parser)
    parser.add_argument(
        "--readiness-grace",
        type=positive_seconds,
        default=30.0,
        help="seconds the watch may fail before /readyz turns 503 (default: %(default)g)",
    )
    parser.add_argument(
        "--watch-timeout",
        type=positive_seconds,
        default=60.0,
        help="server-side timeout of each watch in seconds (default: %(default)g)",
    )
    parser.add_argument(
        "--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR (default: %(default)s)"
    )
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def _add_lease_flags(parser: argparse.ArgumentParser) -> None:
    add_lease_namespace_flag(parser)
    parser.add_argument(
        "--lease-name",
        default="kube-devops-watch",
        help="name of the leader-election Lease (default: %(default)s)",
    )
    parser.add_argument(
        "--lease-duration",
        type=positive_seconds,
        default=15.0,
        help="lease validity in seconds (default: %(default)g)",
    )
    parser.add_argument(
        "--identity", default=None, help="holder identity (default: host-pid-random, unique)"
    )
    parser.add_argument(
        "--no-leader-election",
        action="store_true",
        help="always export governance series (single replica only)",
    )


def settings_from(args: argparse.Namespace) -> WatchControllerSettings:
    """The controller settings for parsed ``args``."""
    from kube_devops.components.watch.controller import WatchControllerSettings
    from kube_devops.kube.config import ClusterConfig
    from kube_devops.kube.leader import LeaseSettings, unique_identity
    from kube_devops.kube.watch import WatchSettings
    from kube_devops.runtime.runner import ServeSettings

    lease = LeaseSettings(
        namespace=args.lease_namespace,
        name=args.lease_name,
        identity=args.identity or unique_identity(),
        lease_duration=args.lease_duration,
    )
    return WatchControllerSettings(
        cluster=ClusterConfig(args.kubeconfig, args.context),
        serve=ServeSettings(host=args.host, port=args.port),
        lease=lease,
        leader_election=not args.no_leader_election,
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
