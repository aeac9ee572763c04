"""``kube-devops webhook serve | cert-generate | install-config``."""

from __future__ import annotations

import argparse
from pathlib import Path

from kube_devops.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    PRINT_EXIT_CODES,
    CliError,
    SubParsers,
    add_cluster_flags,
    add_group,
    add_log_level_flag,
    add_verb,
    cluster_settings,
    positive_seconds,
)
from kube_devops.cli.output import add_manifest_output_flag, manifests
from kube_devops.core.catalog import PORTS, Component
from kube_devops.core.checks import Severity
from kube_devops.manifests.labels import DEFAULT_NAMESPACE, component_name

_SERVICE = component_name(Component.WEBHOOK)

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
    _register_cert_generate(verbs)
    _register_install_config(verbs)


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
        type=_severity,
        default=Severity.HIGH,
        help="enforce-mode findings at or above this severity are denied (default high)",
    )
    _add_limit_flags(serve)
    add_log_level_flag(serve)
    add_cluster_flags(serve)
    serve.set_defaults(func=_serve)


def _add_limit_flags(serve: argparse.ArgumentParser) -> None:
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


def _positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count; use a whole number above 0")
    return int(text)


def _register_cert_generate(verbs: SubParsers) -> None:
    gen = add_verb(
        verbs,
        "cert-generate",
        help="write a CA and a server certificate",
        examples=(
            "kube-devops webhook cert-generate --namespace kube-devops --output-dir certs",
            "kube-devops webhook cert-generate --ip-san 127.0.0.1 --days 30 --output-dir /tmp/c",
        ),
        exit_codes={EXIT_OK: "written", 2: "bad flag, or the CA files cannot be used"},
    )
    gen.add_argument("--service-name", default=_SERVICE, help="(default: %(default)s)")
    gen.add_argument("--namespace", default=DEFAULT_NAMESPACE, help="(default: %(default)s)")
    gen.add_argument("--output-dir", type=Path, default=Path("."), help="(default: %(default)s)")
    gen.add_argument("--ip-san", action="append", default=[], metavar="IP", help="repeatable")
    gen.add_argument("--dns-san", action="append", default=[], metavar="NAME", help="repeatable")
    gen.add_argument("--days", type=int, default=365, help="validity (default: %(default)s)")
    gen.add_argument("--ca-cert", type=Path, default=None, help="reuse this CA certificate")
    gen.add_argument("--ca-key", type=Path, default=None, help="private key of --ca-cert")
    gen.set_defaults(func=_cert_generate)


def _register_install_config(verbs: SubParsers) -> None:
    cfg = add_verb(
        verbs,
        "install-config",
        help="print the ValidatingWebhookConfiguration",
        examples=(
            "kube-devops webhook install-config --ca-bundle-path certs/ca.crt | kubectl apply -f -",
        ),
        exit_codes=PRINT_EXIT_CODES,
    )
    cfg.add_argument("--ca-bundle-path", type=Path, required=True, metavar="PATH")
    cfg.add_argument("--service-name", default=_SERVICE, help="(default: %(default)s)")
    cfg.add_argument("--namespace", default=DEFAULT_NAMESPACE, help="(default: %(default)s)")
    cfg.add_argument("--fail-closed", action="store_true", help="failurePolicy: Fail")
    add_manifest_output_flag(cfg)
    cfg.set_defaults(func=_install_config)


def _severity(text: str) -> Severity:
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


def _serve(args: argparse.Namespace) -> int:
    import asyncio

    from kube_devops.components.webhook.server import WEBHOOK_CLUSTER, WebhookSettings, run_webhook
    from kube_devops.core.admission import AdmissionSettings
    from kube_devops.kube.errors import ConfigError
    from kube_devops.runtime.logging import configure_logging
    from kube_devops.runtime.settings import ServeSettings, TlsSettings
    from kube_devops.runtime.tls import TlsFilesError, server_context

    host, port = parse_addr(args.addr)
    try:
        server_context(args.tls_cert, args.tls_key)  # fail before anything starts
    except TlsFilesError as err:
        raise CliError(str(err)) from None
    configure_logging(args.log_level)
    limits = {field: getattr(args, field) for _flag, field, _default, _help in _LIMITS}
    serve = ServeSettings(
        host,
        port,
        tls=TlsSettings(args.tls_cert, args.tls_key),
        max_connections=args.max_connections,
        **limits,
    )
    settings = WebhookSettings(
        serve=serve,
        cluster=cluster_settings(args, WEBHOOK_CLUSTER),
        admission=AdmissionSettings(deny_severity=args.deny_severity, fail_closed=args.fail_closed),
    )
    try:
        return asyncio.run(run_webhook(settings))
    except TlsFilesError as err:
        raise CliError(str(err)) from None
    except ConfigError as err:
        raise CliError(str(err)) from None


def _cert_generate(args: argparse.Namespace) -> int:
    from kube_devops.runtime.certs import CertError, CertRequest, generate

    request = CertRequest(
        service_name=args.service_name,
        namespace=args.namespace,
        output_dir=args.output_dir,
        ip_sans=tuple(args.ip_san),
        dns_sans=tuple(args.dns_san),
        days=args.days,
        ca_cert=args.ca_cert,
        ca_key=args.ca_key,
    )
    try:
        result = generate(request)
    except CertError as err:
        raise CliError(str(err)) from None
    for path in result.files:
        print(f"wrote {path}")
    print(f"CA: {'reused' if result.ca_reused else 'created'}")
    print(f"DNS SANs: {', '.join(result.dns_sans)}")
    if result.ip_sans:
        print(f"IP SANs: {', '.join(result.ip_sans)}")
    print(f"valid until: {result.not_after:%Y-%m-%d %H:%M} UTC")
    for note in result.notes:
        print(f"note: {note}")
    return EXIT_OK


def _install_config(args: argparse.Namespace) -> int:
    from kube_devops.manifests.webhook_config import webhook_configuration

    try:
        bundle = args.ca_bundle_path.read_bytes()
    except OSError as err:
        raise CliError(
            f"--ca-bundle-path {args.ca_bundle_path}: {err.strerror}; pass the ca.crt written"
            " by 'kube-devops webhook cert-generate'"
        ) from None
    try:
        config = webhook_configuration(
            bundle,
            service_name=args.service_name,
            namespace=args.namespace,
            fail_closed=args.fail_closed,
        )
    except ValueError as err:
        raise CliError(f"--ca-bundle-path {args.ca_bundle_path}: {err}") from None
    print(manifests([config], args.output), end="")
    return EXIT_OK
