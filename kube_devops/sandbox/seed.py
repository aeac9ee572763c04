"""What the sandbox puts into the emulated API before the components start.

From ``kube-tests/``: the sample namespaces, DevOpsPolicies (audit and enforce) and workloads
(compliant and not). Workload controllers do not exist in the emulator, so each Deployment gets a
ReplicaSet and running Pods with owner references, as the real controllers would create them.
Plus our own Services and ServiceMonitors (built by the manifests layer, with the sandbox's
short scrape interval) and Endpoints that point the Services at the components on loopback.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from kube_devops.core.bodies import JsonDict
from kube_devops.core.catalog import Component
from kube_devops.core.meta import Meta
from kube_devops.core.policy import API_VERSION, KIND, PLURAL
from kube_devops.core.times import rfc3339
from kube_devops.manifests import labels as lb
from kube_devops.manifests.servicemonitors import ObservabilitySettings, service_monitors
from kube_devops.manifests.services import services

#: kube-tests files the sandbox seeds, in order.
SAMPLE_FILES = ("sample-workloads.yaml", "sample-devopspolicy.yaml")

#: Resource key (as the emulator names it) of each kind the sandbox seeds.
RESOURCE_OF_KIND = {
    "Namespace": "v1/namespaces",
    "Pod": "v1/pods",
    "Service": "v1/services",
    "Endpoints": "v1/endpoints",
    "Deployment": "apps/v1/deployments",
    "ReplicaSet": "apps/v1/replicasets",
    "StatefulSet": "apps/v1/statefulsets",
    "DaemonSet": "apps/v1/daemonsets",
    "DevOpsPolicy": f"{API_VERSION}/{PLURAL}",
    "ServiceMonitor": "monitoring.coreos.com/v1/servicemonitors",
}


#: An audit policy whose status writes fail (see ``sandbox.api.FAULTS``): reconcile errors.
FLAKY_POLICY: JsonDict = {
    "apiVersion": API_VERSION,
    "kind": KIND,
    "metadata": {"name": "flaky-policy", "namespace": "dev"},
    "spec": {"forbidLatestTag": True, "enforcementMode": "audit"},
}


@dataclass(frozen=True, slots=True)
class Seed:
    """Objects to store, in order: namespaces first (they are stored separately)."""

    namespaces: tuple[str, ...]
    objects: tuple[JsonDict, ...]


def default_samples_dir() -> Path:
    """The sample files shipped in the package (links to ``kube-tests/`` in a checkout)."""
    from kube_devops.data import samples_dir

    return samples_dir()


def load_samples(samples_dir: Path) -> list[JsonDict]:
    """Every document of the sample files; a clear error when the folder is missing."""
    docs: list[JsonDict] = []
    for name in SAMPLE_FILES:
        path = samples_dir / name
        if not path.is_file():
            raise FileNotFoundError(
                f"sandbox sample file {path} is missing; run from a source checkout or pass "
                "the kube-tests folder explicitly (SandboxSettings.samples_dir)"
            )
        docs.extend(d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict))
    return docs


def build_seed(
    samples: list[JsonDict], ports: Mapping[Component, int], scrape_interval: str
) -> Seed:
    """Namespaces and objects for the emulator: samples, materialised pods, our monitoring."""
    namespaces = [lb.DEFAULT_NAMESPACE]
    objects: list[JsonDict] = []
    for doc in samples:
        if doc.get("kind") == "Namespace":
            namespaces.append(doc["metadata"]["name"])
            continue
        objects.append(doc)
    objects.append(FLAKY_POLICY)
    objects.extend(services())
    objects.extend(service_monitors(ObservabilitySettings(interval=scrape_interval)))
    objects.extend(loopback_endpoints(ports))
    return Seed(tuple(dict.fromkeys(namespaces)), tuple(objects))


def seed_into(store: Callable[[str, JsonDict], JsonDict], seed: Seed) -> int:
    """Store every object with ``store(resource, obj) -> stored``; Deployments get their
    ReplicaSet and Pods (owner references carry the stored uids). Returns how many were stored."""
    count = 0
    for obj in seed.objects:
        stored = store(RESOURCE_OF_KIND[obj["kind"]], obj)
        count += 1
        if obj["kind"] == "Deployment":
            replicaset = store(RESOURCE_OF_KIND["ReplicaSet"], replicaset_for(stored))
            template = (stored.get("spec") or {}).get("template") or {}
            for _ in range((stored.get("spec") or {}).get("replicas", 1)):
                store(RESOURCE_OF_KIND["Pod"], running_pod(replicaset, template))
                count += 1
            count += 1
    return count


def replicaset_for(deployment: JsonDict) -> JsonDict:
    """The ReplicaSet a Deployment controller would create for the current template."""
    meta, spec = deployment["metadata"], deployment.get("spec") or {}
    template = spec.get("template") or {}
    digest = hashlib.sha256(yaml.safe_dump(template).encode()).hexdigest()[:10]
    rs_name = f"{meta['name']}-{digest}"
    labels = dict(Meta.of(template).labels)
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": rs_name,
            "namespace": meta["namespace"],
            "labels": {**labels, "pod-template-hash": digest},
            "ownerReferences": [_owner(deployment)],
        },
        "spec": {"replicas": spec.get("replicas", 1), "template": template},
    }


def running_pod(owner: JsonDict, template: JsonDict, restarts: int = 0) -> JsonDict:
    """A Running pod from a template, owned by ``owner`` (name suffixed like a controller's)."""
    meta = owner["metadata"]
    containers = (template.get("spec") or {}).get("containers") or []
    started = rfc3339(time.time())
    running = {"running": {"startedAt": started}}  # as a kubelet reports it (kubectl counts it)
    statuses = [
        {"name": c.get("name"), "ready": True, "restartCount": restarts, "image": c.get("image"),
         "state": running}
        for c in containers
    ]  # fmt: skip
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{meta['name']}-{secrets.token_hex(3)[:5]}",
            "namespace": meta["namespace"],
            "labels": dict(Meta.of(template).labels),
            "ownerReferences": [_owner(owner)],
        },
        "spec": dict(template.get("spec") or {}),
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": statuses,
        },
    }


def loopback_endpoints(ports: Mapping[Component, int]) -> list[JsonDict]:
    """Endpoints sending each component's Service to its process on 127.0.0.1."""
    out: list[JsonDict] = []
    for component, port in ports.items():
        name = lb.component_name(component)
        address = {"ip": "127.0.0.1", "targetRef": {"kind": "Pod", "name": f"{name}-sandbox"}}
        port_entry = {"name": lb.METRICS_PORT_NAME, "port": port, "protocol": "TCP"}
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": lb.metadata(name, lb.DEFAULT_NAMESPACE, lb.component_labels(component)),
                "subsets": [{"addresses": [address], "ports": [port_entry]}],
            }
        )
    return out


def _owner(obj: JsonDict) -> JsonDict:
    meta = obj["metadata"]
    reference: JsonDict = {
        "apiVersion": obj.get("apiVersion", "v1"),
        "kind": obj.get("kind", ""),
        "name": meta["name"],
        "controller": True,
    }
    if meta.get("uid"):
        reference["uid"] = meta["uid"]
    return reference
