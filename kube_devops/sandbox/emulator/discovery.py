"""Discovery documents as kube-apiserver serves them, built from the served ``ResourceSpec``s.

Legacy discovery: ``api_versions`` (``/api``), ``group_list`` (``/apis``), ``group``
(``/apis/<group>``) and ``resource_list`` (``/api/v1``, ``/apis/<group>/<version>``).
Aggregated discovery (``apidiscovery.k8s.io/v2``, what kubectl >= 1.30 asks for first):
``aggregated(specs, core=...)`` and ``wants_aggregated(accept)``; the answer carries the
``AGGREGATED_TYPE`` content type, which is how client-go tells it from legacy discovery.
"""

from __future__ import annotations

from collections.abc import Iterable

from kube_devops.core.bodies import JsonDict

from .catalog import ALL_VERBS, SUBRESOURCE_VERBS, ResourceSpec

#: Content type of an aggregated discovery answer.
AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def wants_aggregated(accept: str) -> bool:
    """Whether an ``Accept`` header asks for ``apidiscovery.k8s.io/v2`` first."""
    first = accept.split(",")[0].replace(" ", "")
    params = set(first.split(";")[1:])
    return {"g=apidiscovery.k8s.io", "v=v2", "as=APIGroupDiscoveryList"} <= params


def api_versions() -> JsonDict:
    """``/api``: the core group's versions."""
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}


def _groups(specs: Iterable[ResourceSpec]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for spec in specs:
        versions = groups.setdefault(spec.group, [])
        if spec.version not in versions:
            versions.append(spec.version)
    groups.pop("", None)
    return groups


def _group(name: str, versions: list[str]) -> JsonDict:
    listed = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": listed, "preferredVersion": listed[0]}


def group_list(specs: Iterable[ResourceSpec]) -> JsonDict:
    """``/apis``: every named group with its versions."""
    groups = [_group(name, versions) for name, versions in sorted(_groups(specs).items())]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def group(specs: Iterable[ResourceSpec], name: str) -> JsonDict | None:
    """``/apis/<name>``, or ``None`` when no resource of the group is served."""
    versions = _groups(specs).get(name)
    if not versions:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(name, versions)}


def _resource(spec: ResourceSpec) -> JsonDict:
    entry: JsonDict = {"name": spec.plural, "singularName": spec.singular_name}
    entry.update(namespaced=spec.namespaced, kind=spec.kind, verbs=list(ALL_VERBS))
    if spec.short_names:
        entry["shortNames"] = list(spec.short_names)
    if spec.categories:
        entry["categories"] = list(spec.categories)
    return entry


def _subresource(spec: ResourceSpec, name: str) -> JsonDict:
    entry: JsonDict = {"name": f"{spec.plural}/{name}", "singularName": ""}
    entry.update(namespaced=spec.namespaced, kind=spec.kind, verbs=list(SUBRESOURCE_VERBS))
    if name == "scale":
        entry.update(group="autoscaling", version="v1", kind="Scale")
    return entry


def resource_list(specs: Iterable[ResourceSpec], group_version: str) -> JsonDict | None:
    """``/api/v1`` or ``/apis/<group>/<version>``, or ``None`` when nothing is served there."""
    served = [spec for spec in specs if spec.group_version == group_version]
    if not served:
        return None
    entries = [_resource(spec) for spec in served]
    entries += [_subresource(spec, sub) for spec in served for sub in spec.subresources]
    resources = sorted(entries, key=lambda entry: str(entry["name"]))
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": resources}  # fmt: skip


def _aggregated_resource(spec: ResourceSpec) -> JsonDict:
    entry: JsonDict = {"resource": spec.plural, "singularResource": spec.singular_name}
    kind = {"group": spec.group, "version": spec.version, "kind": spec.kind}
    entry.update(responseKind=kind, scope="Namespaced" if spec.namespaced else "Cluster")
    entry["verbs"] = list(ALL_VERBS)
    if spec.short_names:
        entry["shortNames"] = list(spec.short_names)
    if spec.categories:
        entry["categories"] = list(spec.categories)
    if spec.subresources:
        entry["subresources"] = [_aggregated_subresource(spec, sub) for sub in spec.subresources]
    return entry


def _aggregated_subresource(spec: ResourceSpec, name: str) -> JsonDict:
    legacy = _subresource(spec, name)
    kind = {
        "group": legacy.get("group", spec.group),
        "version": legacy.get("version", spec.version),
    }
    kind["kind"] = legacy["kind"]
    return {"subresource": name, "responseKind": kind, "verbs": legacy["verbs"]}


def _version(specs: list[ResourceSpec], version: str) -> JsonDict:
    resources = [_aggregated_resource(spec) for spec in specs if spec.version == version]
    resources.sort(key=lambda resource: str(resource["resource"]))
    return {"version": version, "resources": resources, "freshness": "Current"}


def aggregated(specs: Iterable[ResourceSpec], *, core: bool) -> JsonDict:
    """``/api`` (``core=True``) or ``/apis`` as an ``APIGroupDiscoveryList``."""
    served = [spec for spec in specs if (spec.group == "") == core]
    names = sorted({spec.group for spec in served})
    items = []
    for name in names:
        in_group = [spec for spec in served if spec.group == name]
        versions = [_version(in_group, v) for v in dict.fromkeys(s.version for s in in_group)]
        metadata: JsonDict = (
            {"name": name, "creationTimestamp": None} if name else {"creationTimestamp": None}
        )
        items.append({"metadata": metadata, "versions": versions})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
            "metadata": {}, "items": items}  # fmt: skip
