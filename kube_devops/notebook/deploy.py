"""Step 1 of verification in cluster mode: server-side apply of every kube-devops manifest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import KubeError
from kube_devops.kube.resources import Resource
from kube_devops.kube.write_verbs import PatchType
from kube_devops.runtime.sync import run_sync

FIELD_MANAGER = "kube-devops-verify"
_CLUSTER_SCOPED = frozenset(
    {
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    }
)  # fmt: skip


def resource_of(obj: dict[str, Any]) -> Resource:
    """The API resource of a manifest (plural = lower-case kind + ``s``, as for all of ours)."""
    api_version, kind = str(obj["apiVersion"]), str(obj["kind"])
    group, _, version = api_version.rpartition("/")
    plural = kind.lower() + ("" if kind.endswith("s") else "s")
    return Resource(group, version, plural, kind, namespaced=kind not in _CLUSTER_SCOPED)


def kube_devops_manifests(namespace: str = "kube-devops") -> list[dict[str, Any]]:
    """Everything kube-devops deploys: CRD, RBAC, Deployments, Services, monitoring, dashboard."""
    from kube_devops.manifests.deploy import DeploySettings
    from kube_devops.manifests.reference import deploy_all, observability_all
    from kube_devops.manifests.servicemonitors import ObservabilitySettings

    return [
        *deploy_all(DeploySettings(namespace=namespace)),
        *observability_all(ObservabilitySettings(namespace=namespace)),
    ]


def apply_manifests(
    cluster: ClusterConfig,
    documents: Sequence[dict[str, Any]],
    progress: Callable[[str], None] | None = None,
) -> list[str]:
    """Server-side apply ``documents`` in order; returns one line per object.

    Raises ``KubeError`` naming the object that failed (earlier objects stay applied).
    """
    return run_sync(lambda: _apply(cluster, documents, progress or (lambda _m: None)))


async def _apply(
    cluster: ClusterConfig, documents: Sequence[dict[str, Any]], say: Callable[[str], None]
) -> list[str]:
    client = KubeClient.from_config(cluster)
    done: list[str] = []
    try:
        for obj in documents:
            meta = obj.get("metadata") or {}
            label = f"{obj['kind']}/{meta.get('name')}"
            try:
                await client.patch(
                    resource_of(obj), meta["name"], obj, namespace=meta.get("namespace"),
                    patch_type=PatchType.APPLY, field_manager=FIELD_MANAGER, force=True,
                )  # fmt: skip
            except KubeError as err:
                raise KubeError(f"applying {label} failed: {err}") from err
            done.append(f"applied {label}")
            say(done[-1])
    finally:
        client.close()
    return done
