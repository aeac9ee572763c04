"""``kube-devops crd generate|install``: the DevOpsPolicy CustomResourceDefinition."""

from __future__ import annotations

import argparse
import asyncio

from kube_devops.cli.common import EXIT_FAILURE, CliError, add_cluster_flags
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.crds import install_crd
from kube_devops.kube.errors import KubeError
from kube_devops.manifests.crd import devopspolicy_crd
from kube_devops.manifests.render import to_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``crd generate`` and ``crd install``."""
    crd = subparsers.add_parser("crd", help="the DevOpsPolicy CustomResourceDefinition")
    verbs = crd.add_subparsers(dest="crd_command", metavar="VERB", required=True)
    generate = verbs.add_parser("generate", help="print the CRD as YAML (no cluster needed)")
    generate.set_defaults(func=_generate)
    install = verbs.add_parser("install", help="create the CRD, or update it when it exists")
    add_cluster_flags(install)
    install.set_defaults(func=_install)


def _generate(_args: argparse.Namespace) -> int:
    print(to_yaml(devopspolicy_crd()), end="")
    return 0


def _install(args: argparse.Namespace) -> int:
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
    client = KubeClient.from_config(cfg)
    try:
        return await install_crd(client, crd)
    finally:
        client.close()
