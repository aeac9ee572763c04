"""``kube-devops deploy``: CRD, Namespace, RBAC, Deployments, PDBs, webhook configuration.

Prints multi-document YAML (or ``-o json``, one ``List``) for ``kubectl apply -f -``. Without
``--ca-bundle-path`` the webhook configuration carries a placeholder CA (the webhook is then not
trusted and, failing open, admits everything); pass the ``ca.crt`` written by
``kube-devops webhook cert-generate``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kube_devops.cli.common import PRINT_EXIT_CODES, CliError, SubParsers, add_group, add_verb
from kube_devops.cli.output import add_manifest_output_flag, manifests
from kube_devops.manifests import labels as lb
from kube_devops.manifests.deploy import DeploySettings, deployments
from kube_devops.manifests.rbac import rbac


def register(subparsers: SubParsers) -> None:
    """Add ``deploy`` and its verbs."""
    verbs = add_group(
        subparsers,
        "deploy",
        help="generate deployment manifests",
        dest="verb",
        examples=("kube-devops deploy generate-all --ca-bundle-path ca.crt | kubectl apply -f -",),
    )
    everything = add_verb(
        verbs,
        "generate-all",
        help="print every deployment manifest",
        examples=(
            "kube-devops webhook cert-generate --output-dir certs",
            "kube-devops deploy generate-all --ca-bundle-path certs/ca.crt | kubectl apply -f -",
            "kube-devops deploy generate-all --image registry.example/kube-devops:0.3.0 -o json",
        ),
        exit_codes=PRINT_EXIT_CODES,
    )
    _add_flags(everything)
    everything.add_argument(
        "--ca-bundle-path", type=Path, default=None, metavar="PATH",
        help="CA certificate for the webhook configuration (ca.crt from webhook cert-generate)",
    )  # fmt: skip
    everything.set_defaults(func=_generate_all)
    for verb, help_text, build in (
        ("generate-rbac", "print Namespace, ServiceAccount and RBAC", _rbac),
        ("generate-deployments", "print Deployments and PDBs", _deployments),
    ):
        sub = add_verb(
            verbs,
            verb,
            help=help_text,
            examples=(f"kube-devops deploy {verb} --namespace kube-devops | kubectl apply -f -",),
            exit_codes=PRINT_EXIT_CODES,
        )
        _add_flags(sub)
        sub.set_defaults(func=build)


def _add_flags(parser: argparse.ArgumentParser) -> None:
    defaults = DeploySettings()
    parser.add_argument(
        "--namespace", default=lb.DEFAULT_NAMESPACE, help="target namespace (default: %(default)s)"
    )
    parser.add_argument(
        "--image", default=defaults.image, help="kube-devops container image (default: %(default)s)"
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=defaults.replicas,
        help="per component (default: %(default)s)",
    )
    add_manifest_output_flag(parser)


def _settings(args: argparse.Namespace) -> DeploySettings:
    if args.replicas < 1:
        raise CliError(f"--replicas {args.replicas} must be at least 1")
    return DeploySettings(namespace=args.namespace, image=args.image, replicas=args.replicas)


def _rbac(args: argparse.Namespace) -> int:
    return _print(rbac(_settings(args).namespace), args.output)


def _deployments(args: argparse.Namespace) -> int:
    return _print(deployments(_settings(args)), args.output)


def _generate_all(args: argparse.Namespace) -> int:
    from kube_devops.manifests.reference import PLACEHOLDER_CA_BUNDLE, deploy_all

    bundle = PLACEHOLDER_CA_BUNDLE
    if args.ca_bundle_path is not None:
        try:
            bundle = args.ca_bundle_path.read_bytes()
        except OSError as err:
            raise CliError(f"--ca-bundle-path {args.ca_bundle_path}: {err.strerror}") from None
    else:
        print(
            "kube-devops: note: no --ca-bundle-path; the webhook configuration has a placeholder"
            " CA bundle",
            file=sys.stderr,
        )
    try:
        documents = deploy_all(_settings(args), bundle)
    except ValueError as err:
        raise CliError(f"--ca-bundle-path {args.ca_bundle_path}: {err}") from None
    return _print(documents, args.output)


def _print(documents: list[lb.Manifest], output: str) -> int:
    sys.stdout.write(manifests(documents, output))
    return 0
