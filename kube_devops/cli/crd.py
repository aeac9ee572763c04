"""``kube-devops crd generate|install``: the DevOpsPolicy CustomResourceDefinition."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kube_devops.cli.common import (
    CLUSTER_EXIT_CODES,
    EXIT_FAILURE,
    PRINT_EXIT_CODES,
    CliError,
    SubParsers,
    add_cluster_flags,
    add_group,
    add_verb,
)
from kube_devops.cli.output import add_output_flag, dump

if TYPE_CHECKING:
    from kube_devops.kube.config import ClusterConfig


def register(subparsers: SubParsers) -> None:
    """Add ``crd generate`` and ``crd install``."""
    verbs = add_group(
        subparsers,
        "crd",
        help="the DevOpsPolicy CustomResourceDefinition",
        dest="crd_command",
        examples=("kube-devops crd generate | kubectl apply -f -", "kube-devops crd install"),
    )
    generate = add_verb(
        verbs,
        "generate",
        help="print the CRD as YAML or JSON (no cluster needed)",
        examples=(
            "kube-devops crd generate | kubectl apply -f -",
            "kube-devops crd generate -o json > devopspolicy-crd.json",
        ),
        exit_codes=PRINT_EXIT_CODES,
    )
    add_output_flag(generate, ("yaml", "json"))
    generate.set_defaults(func=_generate)
    install = add_verb(
        verbs,
        "install",
        help="create the CRD, or update it when it exists",
        examples=("kube-devops crd install --kubeconfig ~/.kube/config",),
        exit_codes=CLUSTER_EXIT_CODES,
    )
    add_cluster_flags(install)
    install.set_defaults(func=_install)


def _generate(args: argparse.Namespace) -> int:
    from kube_devops.manifests.crd import devopspolicy_crd

    print(dump(devopspolicy_crd(), args.output), end="")
    return 0


def _install(args: argparse.Namespace) -> int:
    import asyncio

    from kube_devops.kube.config import ClusterConfig
    from kube_devops.kube.errors import KubeError
    from kube_devops.manifests.crd import devopspolicy_crd

    crd = devopspolicy_crd()
    name = crd["metadata"]["name"]
    cfg = ClusterConfig(kubeconfig=args.kubeconfig, context=args.context)
    try:
        outcome = asyncio.run(_run_install(cfg, crd))
    except KubeError as err:
        raise CliError(f"crd install {name}: {err}", EXIT_FAILURE) from err
    print(f"CRD '{name}' {outcome}")
    return 0


async def _run_install(cfg: ClusterConfig, crd: dict[str, object]) -> str:
    from kube_devops.kube.client import KubeClient
    from kube_devops.kube.crds import install_crd

    client = KubeClient.from_config(cfg)
    try:
        return await install_crd(client, crd)
    finally:
        client.close()
