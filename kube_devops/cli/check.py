"""``kube-devops check``: can we reach the cluster, and do we hold the permissions we need?

Permissions come from the API server's own authorizer (SelfSubjectAccessReview, see
:mod:`kube_devops.cli.check_access`): one line per rule of our generated RBAC. An API that does
not serve those reviews is probed by making the list calls instead.

Exits 0 when every check passes (warnings allowed), 1 when the cluster cannot be reached or a
needed permission is missing — the failing line says which and how to fix it.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING

from kube_devops.cli.check_outcome import Outcome, State
from kube_devops.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    SubParsers,
    add_cluster_flags,
    add_lease_namespace_flag,
    add_verb,
)
from kube_devops.cli.output import add_output_flag, dump

if TYPE_CHECKING:
    from kube_devops.kube.client import KubeClient

_EXAMPLES = (
    "kube-devops check",
    "kube-devops check --kubeconfig ~/.kube/config --context prod -o json",
)
_EXIT_CODES = {
    EXIT_OK: "every check passed (warnings allowed)",
    EXIT_FAILURE: "the cluster cannot be reached or a permission is missing (see its line)",
    EXIT_USAGE: "bad flag",
}
_WIDTH = 34


def register(subparsers: SubParsers) -> None:
    """Add the ``check`` verb."""
    parser = add_verb(
        subparsers,
        "check",
        help="check the cluster connection and the permissions kube-devops needs",
        examples=_EXAMPLES,
        exit_codes=_EXIT_CODES,
    )
    add_lease_namespace_flag(parser)
    add_output_flag(parser)
    add_cluster_flags(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    outcomes = _outcomes(args)
    failed = [o.label for o in outcomes if o.state is State.FAIL]
    if args.output != "table":
        data = {"passed": not failed, "checks": [asdict(o) for o in outcomes]}
        print(dump(data, args.output), end="")
    else:
        print("kube-devops check")
        for outcome in outcomes:
            _show(outcome)
        print(f"FAILED: {', '.join(failed)}" if failed else "All checks passed.")
    return EXIT_FAILURE if failed else EXIT_OK


def _outcomes(args: argparse.Namespace) -> list[Outcome]:
    import asyncio

    from kube_devops.kube.client import KubeClient
    from kube_devops.kube.config import ClusterConfig, describe
    from kube_devops.kube.errors import ConfigError

    cfg = ClusterConfig(args.kubeconfig, args.context)
    try:
        source = describe(cfg)
        client = KubeClient.from_config(cfg, request_timeout=10.0)
    except ConfigError as err:
        return [Outcome("Configuration", State.FAIL, str(err))]
    try:
        return [
            Outcome("Configuration", State.OK, source),
            *asyncio.run(_probe(client, args.lease_namespace)),
        ]
    finally:
        client.close()


def _show(outcome: Outcome) -> None:
    dots = "." * max(2, _WIDTH - len(outcome.label))
    detail = f" ({outcome.detail})" if outcome.detail else ""
    print(f"  {outcome.label} {dots} {outcome.state}{detail}")


async def _probe(client: KubeClient, lease_namespace: str) -> list[Outcome]:
    from kube_devops.cli.check_access import access_outcomes, identity_outcome
    from kube_devops.kube.access import AccessReviewUnavailableError
    from kube_devops.kube.errors import KubeError
    from kube_devops.kube.resources import DEVOPSPOLICIES

    try:
        version = await client.version()
    except KubeError as err:
        hint = "check the server address and that the API server is running"
        return [Outcome("Cluster connection", State.FAIL, f"{err}; {hint}")]
    found = [Outcome("Cluster connection", State.OK, str(version.get("gitVersion") or "?"))]
    try:
        found.append(await identity_outcome(client))
        found += await access_outcomes(client, lease_namespace)
    except AccessReviewUnavailableError:
        found += await _probe_calls(client, lease_namespace)
    policies = await _permission("DevOpsPolicy resources", lambda: client.list(DEVOPSPOLICIES))
    if policies.state is State.FAIL and policies.detail.startswith("not installed"):
        policies = Outcome(policies.label, State.WARN, policies.detail)
    found.append(policies)
    return found


async def _probe_calls(client: KubeClient, lease_namespace: str) -> list[Outcome]:
    """Permissions by trying the list calls (when access reviews are not served)."""
    from kube_devops.kube.resources import LEASES, PODS

    pods = await _permission("List pods (all namespaces)", lambda: client.list(PODS, limit=1))
    leases = await _permission(
        f"Leases in {lease_namespace}", lambda: client.list(LEASES, lease_namespace, limit=1)
    )
    return [pods, leases]


async def _permission(label: str, call: Callable[[], Awaitable[object]]) -> Outcome:
    from kube_devops.kube.errors import Forbidden, KubeError, NotFound, Unauthorized

    try:
        await call()
    except (Forbidden, Unauthorized) as err:
        return Outcome(label, State.FAIL, f"{err}; grant it in the ClusterRole of kube-devops")
    except NotFound:
        return Outcome(label, State.FAIL, "not installed; run: kube-devops crd install")
    except KubeError as err:
        return Outcome(label, State.FAIL, str(err))
    return Outcome(label, State.OK)
