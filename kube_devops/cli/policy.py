"""``kube-devops policy bundle-list|bundle-show|bundle-apply``: ready-made DevOpsPolicies.

``bundle-apply`` prints the policy as YAML for ``kubectl apply -f -``; it changes nothing itself.
"""

from __future__ import annotations

import argparse

from kube_devops.cli.common import PRINT_EXIT_CODES, CliError, SubParsers, add_group, add_verb
from kube_devops.cli.output import add_output_flag, dump, table
from kube_devops.core.bundles import BUNDLES, Bundle, bundle_policy, get_bundle
from kube_devops.core.checks import CheckId


def register(subparsers: SubParsers) -> None:
    """Add the ``policy`` verbs."""
    verbs = add_group(
        subparsers,
        "policy",
        help="DevOpsPolicy bundles",
        dest="policy_command",
        examples=("kube-devops policy bundle-list", "kube-devops policy bundle-show restricted"),
    )
    listing = add_verb(
        verbs,
        "bundle-list",
        help="list the policy bundles",
        examples=("kube-devops policy bundle-list", "kube-devops policy bundle-list -o json"),
        exit_codes=PRINT_EXIT_CODES,
    )
    add_output_flag(listing)
    listing.set_defaults(func=_list)
    show = add_verb(
        verbs,
        "bundle-show",
        help="print one bundle's spec",
        examples=(f"kube-devops policy bundle-show {next(iter(BUNDLES))}",),
        exit_codes=PRINT_EXIT_CODES,
    )
    show.add_argument("name", metavar="NAME", help=f"one of: {', '.join(BUNDLES)}")
    add_output_flag(show, ("yaml", "json"))
    show.set_defaults(func=_show)
    _register_apply(verbs)


def _register_apply(verbs: SubParsers) -> None:
    apply = add_verb(
        verbs,
        "bundle-apply",
        help="print a DevOpsPolicy for a bundle (pipe to kubectl apply -f -)",
        examples=(
            "kube-devops policy bundle-apply restricted --namespace prod | kubectl apply -f -",
            "kube-devops policy bundle-apply baseline -n dev --policy-name dev-policy -o json",
        ),
        exit_codes=PRINT_EXIT_CODES,
    )
    apply.add_argument("name", metavar="NAME", help=f"one of: {', '.join(BUNDLES)}")
    apply.add_argument("-n", "--namespace", default="default", help="namespace (default: default)")
    apply.add_argument(
        "--policy-name", default="devops-policy", help="policy name (default: devops-policy)"
    )
    add_output_flag(apply, ("yaml", "json"))
    apply.set_defaults(func=_apply)


def _bundle(name: str) -> Bundle:
    try:
        return get_bundle(name)
    except ValueError as err:
        raise CliError(str(err)) from err


def _list(args: argparse.Namespace) -> int:
    from kube_devops.cli.analyze_output import CHECK_COLUMNS

    items: list[dict[str, object]] = []
    rows = [["NAME", "MODE", "CHECKS", "DESCRIPTION"]]
    for bundle in BUNDLES.values():
        enabled = bundle.spec.enabled_checks()
        checks = [c.value for c in CheckId if c in enabled]
        mode = bundle.spec.enforcement_mode.value
        items.append(
            {"name": bundle.name, "mode": mode, "checks": checks, "description": bundle.description}
        )
        short = ",".join(CHECK_COLUMNS[c].lower() for c in CheckId if c in enabled)
        rows.append([bundle.name, mode, short, bundle.description])
    print(table(rows) if args.output == "table" else dump(items, args.output), end="")
    return 0


def _show(args: argparse.Namespace) -> int:
    bundle = _bundle(args.name)
    if args.output == "yaml":
        print(f"# {bundle.name}: {bundle.description}")
    print(dump({"spec": bundle.spec.to_dict()}, args.output), end="")
    return 0


def _apply(args: argparse.Namespace) -> int:
    _bundle(args.name)
    obj = bundle_policy(args.name, namespace=args.namespace, policy_name=args.policy_name)
    print(dump(obj, args.output), end="")
    return 0
