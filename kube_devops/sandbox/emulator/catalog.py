"""The resources the emulator serves, described as a real API server's discovery describes them.

- ``ResourceSpec`` — one resource: group, version, plural, kind, scope, singular name, short
  names, categories, subresources, whether it has ``metadata.generation``, and its server-side
  printer (``printer``: a key of ``printers.PRINTERS`` or ``printers_more.MORE_PRINTERS``,
  ``pods``, ``crd`` for a CRD's ``columns``, or ``None`` for the default Name/Age table);
- ``RESOURCES`` — what every emulator serves (names as kube-apiserver gives them): core, apps,
  batch, policy, RBAC, coordination, events, CRDs, webhook configurations and DevOpsPolicies;
- ``KNOWN`` — every spec by ``group/version/plural`` (``version/plural`` for the core group),
  including resources served only when registered (the Prometheus Operator's ServiceMonitors
  and PrometheusRules), so discovery names them right whoever registers them;
- ``resource_info(spec)`` — kmock's registration of a spec;
- ``crd_spec(crd)`` — the spec of a CustomResourceDefinition's first served version; the
  DevOpsPolicy spec is built from our own CRD, so discovery and printer columns follow it.
"""

from __future__ import annotations

from typing import Any

import attrs
import kmock

from kube_devops.manifests.crd import devopspolicy_crd

#: The release of the real control plane the emulator answers for (``/version``, OpenAPI).
SERVER_VERSION = "v1.37.2"
#: Verbs of every served resource (``deletecollection`` is not served).
ALL_VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")
#: Verbs of the ``status`` and ``scale`` subresources.
SUBRESOURCE_VERBS = ("get", "patch", "update")


@attrs.frozen(kw_only=True)
class ResourceSpec:
    """One served resource, with what discovery and ``kubectl get`` show of it."""

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True
    singular: str = ""
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    printer: str | None = None
    generation: bool = False
    """Whether objects get ``metadata.generation`` (workloads, pods, CRDs, custom resources)."""
    columns: tuple[dict[str, Any], ...] = ()
    """A CRD's ``additionalPrinterColumns`` (``printer == "crd"``)."""
    schema: dict[str, Any] | None = attrs.field(default=None, eq=False)
    """A CRD's ``openAPIV3Schema``: custom resources are pruned, defaulted and validated by it."""

    @property
    def key(self) -> str:
        """``group/version/plural``, or ``version/plural`` for the core group."""
        return f"{self.group_version}/{self.plural}"

    @property
    def group_version(self) -> str:
        """``group/version``, or ``version`` for the core group."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def custom(self) -> bool:
        """Whether this is a custom resource (served from a CRD: no strategic merge patch)."""
        return self.printer == "crd"

    @property
    def singular_name(self) -> str:
        """The singular name (the lower-case kind when none is given, as the server does)."""
        return self.singular or self.kind.lower()


def resource_info(spec: ResourceSpec) -> kmock.ResourceInfo:
    """kmock's registration of ``spec`` (what makes the emulator serve it)."""
    return kmock.ResourceInfo(
        kind=spec.kind, namespaced=spec.namespaced, singular=spec.singular_name, verbs=ALL_VERBS,
        shortnames=spec.short_names, categories=spec.categories, subresources=spec.subresources,
    )  # fmt: skip


def _spec(key: str, kind: str, **fields: Any) -> ResourceSpec:
    *group, version, plural = key.split("/")
    return ResourceSpec(group="".join(group), version=version, plural=plural, kind=kind, **fields)


def crd_spec(crd: dict[str, Any]) -> ResourceSpec:
    """The spec of the first served version of ``crd`` (an apiextensions.k8s.io/v1 dict)."""
    spec, names = crd["spec"], crd["spec"]["names"]
    version = next(v for v in spec["versions"] if v.get("served", True))
    columns = version.get("additionalPrinterColumns") or [
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
    ]
    return ResourceSpec(
        group=spec["group"],
        version=version["name"],
        plural=names["plural"],
        kind=names["kind"],
        namespaced=spec["scope"] == "Namespaced",
        singular=names.get("singular", ""),
        short_names=tuple(names.get("shortNames", ())),
        categories=tuple(names.get("categories", ())),
        subresources=tuple(sorted(version.get("subresources") or {})),
        printer="crd",
        generation=True,
        columns=tuple(columns),
        schema=(version.get("schema") or {}).get("openAPIV3Schema"),
    )


_ALL = ("all",)
_EXT = ("api-extensions",)
_STATUS = ("status",)
_SCALE = ("scale", "status")

RESOURCES: tuple[ResourceSpec, ...] = (
    _spec("v1/pods", "Pod", short_names=("po",), categories=_ALL, subresources=_STATUS,
          printer="pods", generation=True),
    _spec("v1/namespaces", "Namespace", namespaced=False, short_names=("ns",),
          subresources=_STATUS, printer="namespaces"),
    _spec("v1/nodes", "Node", namespaced=False, short_names=("no",), subresources=_STATUS,
          printer="nodes"),
    _spec("v1/events", "Event", short_names=("ev",), printer="events"),
    _spec("v1/services", "Service", short_names=("svc",), categories=_ALL, subresources=_STATUS,
          printer="services"),
    _spec("v1/endpoints", "Endpoints", short_names=("ep",)),
    _spec("v1/secrets", "Secret", printer="secrets"),
    _spec("v1/serviceaccounts", "ServiceAccount", short_names=("sa",), printer="serviceaccounts"),
    _spec("v1/configmaps", "ConfigMap", short_names=("cm",), printer="configmaps"),
    _spec("coordination.k8s.io/v1/leases", "Lease", printer="leases"),
    _spec("apps/v1/deployments", "Deployment", short_names=("deploy",), categories=_ALL,
          subresources=_SCALE, printer="deployments", generation=True),
    _spec("apps/v1/replicasets", "ReplicaSet", short_names=("rs",), categories=_ALL,
          subresources=_SCALE, printer="replicasets", generation=True),
    _spec("apps/v1/statefulsets", "StatefulSet", short_names=("sts",), categories=_ALL,
          subresources=_SCALE, printer="statefulsets", generation=True),
    _spec("apps/v1/daemonsets", "DaemonSet", short_names=("ds",), categories=_ALL,
          subresources=_STATUS, printer="daemonsets", generation=True),
    _spec("batch/v1/jobs", "Job", categories=_ALL, subresources=_STATUS, generation=True),
    _spec("batch/v1/cronjobs", "CronJob", short_names=("cj",), categories=_ALL,
          subresources=_STATUS, generation=True),
    _spec("events.k8s.io/v1/events", "Event", short_names=("ev",)),
    _spec("apiextensions.k8s.io/v1/customresourcedefinitions", "CustomResourceDefinition",
          namespaced=False, short_names=("crd", "crds"), categories=_EXT, subresources=_STATUS,
          printer="roles", generation=True),
    _spec("admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
          "ValidatingWebhookConfiguration", namespaced=False, categories=_EXT, printer="webhooks",
          generation=True),
    _spec("admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
          "MutatingWebhookConfiguration", namespaced=False, categories=_EXT, printer="webhooks",
          generation=True),
    _spec("policy/v1/poddisruptionbudgets", "PodDisruptionBudget", short_names=("pdb",),
          subresources=_STATUS, printer="poddisruptionbudgets", generation=True),
    _spec("rbac.authorization.k8s.io/v1/roles", "Role", printer="roles"),
    _spec("rbac.authorization.k8s.io/v1/rolebindings", "RoleBinding", printer="bindings"),
    _spec("rbac.authorization.k8s.io/v1/clusterroles", "ClusterRole", namespaced=False,
          printer="roles"),
    _spec("rbac.authorization.k8s.io/v1/clusterrolebindings", "ClusterRoleBinding",
          namespaced=False, printer="bindings"),
    crd_spec(devopspolicy_crd()),
)  # fmt: skip

_AGE_COLUMN = ({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},)
_ON_DEMAND = (
    _spec("monitoring.coreos.com/v1/servicemonitors", "ServiceMonitor", short_names=("smon",),
          categories=("prometheus-operator",), printer="crd", generation=True,
          columns=_AGE_COLUMN),
    _spec("monitoring.coreos.com/v1/prometheusrules", "PrometheusRule",
          short_names=("promrule",), categories=("prometheus-operator",), printer="crd",
          generation=True, columns=_AGE_COLUMN),
)  # fmt: skip

KNOWN: dict[str, ResourceSpec] = {spec.key: spec for spec in RESOURCES + _ON_DEMAND}
