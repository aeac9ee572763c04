"""``kube-devops webhook cert-generate | install-config``: the certificates the webhook serves
with, and the ValidatingWebhookConfiguration that trusts their CA.

:func:`add_cert_generate` and :func:`add_install_config` add each verb to the ``webhook`` group
(:mod:`kube_devops.cli.webhook`); what they run is imported when they run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kube_devops.cli.common import EXIT_OK, PRINT_EXIT_CODES, CliError, SubParsers, add_verb
from kube_devops.cli.output import add_manifest_output_flag, manifests
from kube_devops.core.catalog import Component
from kube_devops.manifests.labels import DEFAULT_NAMESPACE, component_name

_SERVICE = component_name(Component.WEBHOOK)


def add_cert_generate(verbs: SubParsers) -> None:
    """Add ``webhook cert-generate``."""
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


def add_install_config(verbs: SubParsers) -> None:
    """Add ``webhook install-config``."""
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
