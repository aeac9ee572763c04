"""``kube-devops policy bundle-list|bundle-show|bundle-apply``: ready-made DevOpsPolicies.

``bundle-apply`` prints the policy as YAML for ``kubectl apply -f -``; it changes nothing itself.
"""

from __future__ import annotations

import argparse

from kube_devops.cli.common import CliError
from kube_devops.core.bundles import BUNDLES, Bundle, bundle_policy, get_bundle
from kube_devops.core.checks import CheckId
from kube_devops.manifests.render import to_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``policy`` verbs."""
    policy = subparsers.add_parser("policy", help="DevOpsPolicy bundles")
    verbs = policy.add_subparsers(dest="policy_command", metavar="VERB", required=True)
    listing = verbs.add_parser("bundle-list", help="list the policy bundles")
    listing.set_defaults(func=_list)
    show = verbs.add_parser("bundle-show", help="print one bundle's spec as YAML")
    show.add_argument("name", metavar="NAME", help=f"one of: {', '.join(BUNDLES)}")
    show.set_defaults(func=_show)
    apply = verbs.add_parser(
        "bundle-apply", help="print a DevOpsPolicy for a bundle (pipe to kubectl apply -f -)"
    )
    apply.add_argument("name", metavar="NAME", help=f"one of: {', '.join(BUNDLES)}")
    apply.add_argument("-n", "--namespace", default="default", help="namespace (default: default)")
    apply.add_argument(
        "--policy-name", default="devops-policy", help="policy name (default: devops-policy)"
    )
    apply.set_defaults(func=_apply)


def _bundle(name: str) -> Bundle:
    try:
        return get_bundle(name)
    except ValueError as err:
        raise CliError(str(err)) from err


def _list(_args: argparse.Namespace) -> int:
    rows = [("NAME", "MODE", "CHECKS", "DESCRIPTION")]
    for bundle in BUNDLES.values():
        enabled = bundle.spec.enabled_checks()
        checks = ",".join(c.value for c in CheckId if c in enabled)
        rows.append((bundle.name, bundle.spec.enforcement_mode.value, checks, bundle.description))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join([c.ljust(w) for c, w in zip(row, widths, strict=False)] + [row[3]]))
    return 0


def _show(args: argparse.Namespace) -> int:
    bundle = _bundle(args.name)
    print(f"# {bundle.name}: {bundle.description}")
    print(to_yaml({"spec": bundle.spec.to_dict()}), end="")
    return 0


def _apply(args: argparse.Namespace) -> int:
    _bundle(args.name)
    obj = bundle_policy(args.name, namespace=args.namespace, policy_name=args.policy_name)
    print(to_yaml(obj), end="")
    return 0
