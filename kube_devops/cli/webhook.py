"""``kube-devops webhook serve | cert-generate | install-config``.

:func:`register` adds the ``webhook`` group; ``serve`` is here, its flags' parsing in
:mod:`kube_devops.cli.webhook_flags`, and ``cert-generate`` and ``install-config`` in
:mod:`kube_devops.cli.webhook_certs`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kube_devops.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    SubParsers,
    add_cluster_flags,
    add_group,
    add_log_level_flag,
    add_verb,
    cluster_settings,
)
from kube_devops.cli.webhook_certs import add_cert_generate, add_install_config
from kube_devops.cli.webhook_flags import add_limit_flags, limits, parse_addr, severity
from kube_devops.core.catalog import PORTS, Component
from kube_devops.core.checks import Severity

if TYPE_CHECKING:
    from kube_devops.components.webhook.server import WebhookSettings

#: Exit codes of ``webhook serve``.
_SERVE_EXIT_CODES = {
    EXIT_OK: "stopped cleanly (SIGTERM or Ctrl-C)",
    EXIT_FAILURE: "could not listen (port in use), or a background task failed",
    EXIT_USAGE: "bad flag, unusable TLS files, or no usable kubeconfig",
}


def register(subparsers: SubParsers) -> None:
    """Add the ``webhook`` verbs."""
    verbs = add_group(
        subparsers,
        "webhook",
        help="admission webhook: serve, certificates, config",
        dest="webhook_command",
        examples=(
            "kube-devops webhook cert-generate --output-dir certs",
            "kube-devops webhook serve --tls-cert certs/tls.crt --tls-key certs/tls.key",
        ),
    )
    _register_serve(verbs)
    add_cert_generate(verbs)
    add_install_config(verbs)


def _register_serve(verbs: SubParsers) -> None:
    serve = add_verb(
        verbs,
        "serve",
        help="serve POST /validate over HTTPS",
        examples=(
            "kube-devops webhook serve --tls-cert certs/tls.crt --tls-key certs/tls.key",
            "kube-devops webhook serve --addr 127.0.0.1:0 --fail-closed --deny-severity critical",
        ),
        exit_codes=_SERVE_EXIT_CODES,
        description="Serve POST /validate over HTTPS. No leader election: every replica answers"
        " admission requests, so there is no Lease to configure. A connection past one of its"
        " timeouts is closed; at --max-connections a new connection closes the oldest one that"
        " has not had a request answered, else the one idle the longest (never one with a"
        " request in progress). AdmissionReview bodies up to 8 MiB"
        " are judged (an UPDATE carries two objects of up to 3 MiB); larger ones get 413.",
    )
    serve.add_argument("--addr", default=f"0.0.0.0:{PORTS[Component.WEBHOOK]}", help="HOST:PORT")
    serve.add_argument("--tls-cert", type=Path, default=Path("tls.crt"), help="PEM certificate")
    serve.add_argument("--tls-key", type=Path, default=Path("tls.key"), help="PEM private key")
    serve.add_argument(
        "--fail-closed", action="store_true", help="deny when the webhook cannot judge"
    )
    serve.add_argument(
        "--deny-severity",
        type=severity,
        default=Severity.HIGH,
        help="enforce-mode findings at or above this severity are denied (default high)",
    )
    add_limit_flags(serve)
    add_log_level_flag(serve)
    add_cluster_flags(serve)
    serve.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    import asyncio

    from kube_devops.components.webhook.server import run_webhook
    from kube_devops.kube.errors import ConfigError
    from kube_devops.runtime.logging import configure_logging
    from kube_devops.runtime.tls import TlsFilesError, server_context

    host, port = parse_addr(args.addr)
    try:
        server_context(args.tls_cert, args.tls_key)  # fail before anything starts
    except TlsFilesError as err:
        raise CliError(str(err)) from None
    configure_logging(args.log_level)
    settings = _webhook_settings(args, host, port)
    try:
        return asyncio.run(run_webhook(settings))
    except TlsFilesError as err:
        raise CliError(str(err)) from None
    except ConfigError as err:
        raise CliError(str(err)) from None


def _webhook_settings(args: argparse.Namespace, host: str, port: int) -> WebhookSettings:
    from kube_devops.components.webhook.server import WEBHOOK_CLUSTER, WebhookSettings
    from kube_devops.core.admission import AdmissionSettings
    from kube_devops.runtime.settings import ServeSettings, TlsSettings

    serve = ServeSettings(
        host,
        port,
        tls=TlsSettings(args.tls_cert, args.tls_key),
        max_connections=args.max_connections,
        **limits(args),
    )
    return WebhookSettings(
        serve=serve,
        cluster=cluster_settings(args, WEBHOOK_CLUSTER),
        admission=AdmissionSettings(deny_severity=args.deny_severity, fail_closed=args.fail_closed),
    )
