"""``kube-devops check``: can we reach the cluster, and do we hold the permissions we need?

Permissions come from the API server's own authorizer (SelfSubjectAccessReview, see
:mod:`kube_devops.cli.check_access`): one line per rule of our generated RBAC. An API that does
not serve those reviews is probed by making the list calls instead.

Exits 0 when every check passes (warnings allowed), 1 when the cluster cannot be reached or a
needed permission is missing — the failing line says which and how to fix it.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from kube_devops.cli.check_access import Outcome, access_outcomes, identity_outcome
from kube_devops.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    add_cluster_flags,
    add_lease_namespace_flag,
)
from kube_devops.kube.access import AccessReviewUnavailableError
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig, describe
from kube_devops.kube.errors import ConfigError, Forbidden, KubeError, NotFound, Unauthorized
from kube_devops.kube.resources import DEVOPSPOLICIES, LEASES, PODS

_WIDTH = 34


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` verb."""
    parser = subparsers.add_parser(
        "check", help="check the cluster connection and the permissions kube-devops needs"
    )
    add_lease_namespace_flag(parser)
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    cfg = ClusterConfig(args.kubeconfig, args.context)
    print("kube-devops check")
    try:
        source = describe(cfg)
        client = KubeClient.from_config(cfg, request_timeout=10.0)
    except ConfigError as err:
        _show(Outcome("Configuration", "FAIL", str(err)))
        return EXIT_FAILURE
    _show(Outcome("Configuration", "OK", source))
    try:
        outcomes = asyncio.run(_probe(client, args.lease_namespace))
    finally:
        client.close()
    for outcome in outcomes:
        _show(outcome)
    failed = [o.label for o in outcomes if o.state == "FAIL"]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return EXIT_FAILURE
    print("All checks passed.")
    return EXIT_OK


def _show(outcome: Outcome) -> None:
    dots = "." * max(2, _WIDTH - len(outcome.label))
    detail = f" ({outcome.detail})" if outcome.detail else ""
    print(f"  {outcome.label} {dots} {outcome.state}{detail}")


async def _probe(client: KubeClient, lease_namespace: str) -> list[Outcome]:
    try:
        version = await client.version()
    except KubeError as err:
        hint = "check the server address and that the API server is running"
        return [Outcome("Cluster connection", "FAIL", f"{err}; {hint}")]
    found = [Outcome("Cluster connection", "OK", str(version.get("gitVersion") or "?"))]
    try:
        found.append(await identity_outcome(client))
        found += await access_outcomes(client, lease_namespace)
    except AccessReviewUnavailableError:
        found += await _probe_calls(client, lease_namespace)
    policies = await _permission("DevOpsPolicy resources", lambda: client.list(DEVOPSPOLICIES))
    if policies.state == "FAIL" and policies.detail.startswith("not installed"):
        policies = Outcome(policies.label, "WARN", policies.detail)
    found.append(policies)
    return found


async def _probe_calls(client: KubeClient, lease_namespace: str) -> list[Outcome]:
    """Permissions by trying the list calls (when access reviews are not served)."""
    pods = await _permission("List pods (all namespaces)", lambda: client.list(PODS, limit=1))
    leases = await _permission(
        f"Leases in {lease_namespace}", lambda: client.list(LEASES, lease_namespace, limit=1)
    )
    return [pods, leases]


async def _permission(label: str, call: Callable[[], Awaitable[object]]) -> Outcome:
    try:
        await call()
    except (Forbidden, Unauthorized) as err:
        return Outcome(label, "FAIL", f"{err}; grant it in the ClusterRole of kube-devops")
    except NotFound:
        return Outcome(label, "FAIL", "not installed; run: kube-devops crd install")
    except KubeError as err:
        return Outcome(label, "FAIL", str(err))
    return Outcome(label, "OK")
