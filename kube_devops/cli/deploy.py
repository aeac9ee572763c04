"""``kube-devops deploy``: CRD, Namespace, RBAC, Deployments, PDBs, webhook configuration.

Prints multi-document YAML for ``kubectl apply -f -``. Without ``--ca-bundle-path`` the webhook
configuration carries a placeholder CA (the webhook is then not trusted and, failing open, admits
everything); pass the ``ca.crt`` written by ``kube-devops webhook cert-generate``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kube_devops.cli.common import CliError
from kube_devops.manifests import labels as lb
from kube_devops.manifests.deploy import DeploySettings, deployments
from kube_devops.manifests.rbac import rbac
from kube_devops.manifests.reference import PLACEHOLDER_CA_BUNDLE, deploy_all
from kube_devops.manifests.render import to_multi_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``deploy`` and its verbs."""
    parser = subparsers.add_parser("deploy", help="generate deployment manifests")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    everything = verbs.add_parser("generate-all", help="print every deployment manifest")
    _add_flags(everything)
    everything.add_argument(
        "--ca-bundle-path", type=Path, default=None, metavar="PATH",
        help="CA certificate for the webhook configuration (ca.crt from webhook cert-generate)",
    )  # fmt: skip
    everything.set_defaults(func=_generate_all)
    rbac_verb = verbs.add_parser("generate-rbac", help="print Namespace, ServiceAccount and RBAC")
    _add_flags(rbac_verb)
    rbac_verb.set_defaults(func=lambda args: _print(rbac(_settings(args).namespace)))
    workloads = verbs.add_parser("generate-deployments", help="print Deployments and PDBs")
    _add_flags(workloads)
    workloads.set_defaults(func=lambda args: _print(deployments(_settings(args))))


def _add_flags(parser: argparse.ArgumentParser) -> None:
    defaults = DeploySettings()
    parser.add_argument("--namespace", default=lb.DEFAULT_NAMESPACE, help="target namespace")
    parser.add_argument("--image", default=defaults.image, help="kube-devops container image")
    parser.add_argument("--replicas", type=int, default=defaults.replicas, help="per component")


def _settings(args: argparse.Namespace) -> DeploySettings:
    if args.replicas < 1:
        raise CliError(f"--replicas {args.replicas} must be at least 1")
    return DeploySettings(namespace=args.namespace, image=args.image, replicas=args.replicas)


def _generate_all(args: argparse.Namespace) -> int:
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
    return _print(documents)


def _print(documents: list[lb.Manifest]) -> int:
    sys.stdout.write(to_multi_yaml(documents))
    return 0
