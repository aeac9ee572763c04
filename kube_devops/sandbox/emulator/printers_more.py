"""More server-side printers (kube-apiserver 1.32): services, secrets, service accounts, nodes,
daemon sets, disruption budgets, RBAC roles and bindings, webhook configurations; ``roles``
(Name, Created At) also prints CustomResourceDefinitions.

``MORE_PRINTERS`` extends ``printers.PRINTERS`` (same shape). Where the real server fills a value
the emulator does not (a Service's allocated cluster IP, a node's addresses), the cell shows what
the stored object holds.
"""

from __future__ import annotations

import datetime
from typing import Any

from kube_devops.core.bodies import JsonDict

from .printers import AGE, NAME, Cells, Printer, column, selector_string, since

_INT = "integer"


def _meta(obj: JsonDict) -> JsonDict:
    return obj.get("metadata") or {}


def _head(obj: JsonDict) -> str:
    return str(_meta(obj).get("name"))


def _age(obj: JsonDict, now: datetime.datetime) -> str:
    return since(_meta(obj).get("creationTimestamp"), now)


def _labels(labels: Any) -> str:
    """``labels.FormatLabels``: ``k=v`` sorted by key, ``<none>`` when empty."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def _ports(ports: list[JsonDict]) -> str:
    shown = []
    for port in ports:
        node = f":{port['nodePort']}" if port.get("nodePort") else ""
        shown.append(f"{port.get('port')}{node}/{port.get('protocol', 'TCP')}")
    return ",".join(shown) or "<none>"


def _external_ip(spec: JsonDict, status: JsonDict) -> str:
    kind, external = spec.get("type", "ClusterIP"), list(spec.get("externalIPs") or [])
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    if kind == "LoadBalancer":
        ingress = (status.get("loadBalancer") or {}).get("ingress") or []
        found = [i.get("ip") or i.get("hostname") for i in ingress] + external
        return ",".join(str(f) for f in found if f) or "<pending>"
    return ",".join(external) or "<none>"


def _service(obj: JsonDict, now: datetime.datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    cells = [_head(obj), spec.get("type", "ClusterIP"), ips[0] if ips else "<none>"]
    cells += [_external_ip(spec, status), _ports(spec.get("ports") or []), _age(obj, now)]
    return [*cells, _labels(spec.get("selector"))]


def _secret(obj: JsonDict, now: datetime.datetime) -> Cells:
    count = len(obj.get("data") or {})
    return [_head(obj), obj.get("type", "Opaque"), count, _age(obj, now)]


def _service_account(obj: JsonDict, now: datetime.datetime) -> Cells:
    return [_head(obj), len(obj.get("secrets") or []), _age(obj, now)]


def _node_status(obj: JsonDict) -> str:
    conditions = (obj.get("status") or {}).get("conditions") or []
    ready = next((c.get("status") for c in conditions if c.get("type") == "Ready"), None)
    shown = {"True": "Ready", "False": "NotReady"}.get(str(ready), "Unknown")
    unschedulable = (obj.get("spec") or {}).get("unschedulable")
    return f"{shown},SchedulingDisabled" if unschedulable else shown


def _node(obj: JsonDict, now: datetime.datetime) -> Cells:
    prefix = "node-role.kubernetes.io/"
    labels = _meta(obj).get("labels") or {}
    roles = sorted(k.removeprefix(prefix) for k in labels if k.startswith(prefix))
    status = obj.get("status") or {}
    info = status.get("nodeInfo") or {}
    cells = [_head(obj), _node_status(obj), ",".join(roles) or "<none>", _age(obj, now)]
    addresses = {a.get("type"): a.get("address") for a in status.get("addresses") or []}
    cells += [info.get("kubeletVersion", ""), addresses.get("InternalIP") or "<none>"]
    cells.append(addresses.get("ExternalIP") or "<none>")
    fields = ("osImage", "kernelVersion", "containerRuntimeVersion")
    return cells + [info.get(field) or "<unknown>" for field in fields]


def _daemonset(obj: JsonDict, now: datetime.datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    counts = ("desiredNumberScheduled", "currentNumberScheduled", "numberReady")
    cells: Cells = [_head(obj), *(status.get(c, 0) for c in counts)]
    cells += [status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0)]
    template = ((spec.get("template") or {}).get("spec")) or {}
    cells += [_labels(template.get("nodeSelector")), _age(obj, now)]
    containers = template.get("containers") or []
    names = ",".join(str(c.get("name", "")) for c in containers)
    images = ",".join(str(c.get("image", "")) for c in containers)
    return [*cells, names, images, selector_string(spec.get("selector"))]


def _budget(obj: JsonDict, now: datetime.datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    least, most = spec.get("minAvailable"), spec.get("maxUnavailable")
    shown = ["N/A" if v is None else str(v) for v in (least, most)]
    return [_head(obj), *shown, status.get("disruptionsAllowed", 0), _age(obj, now)]


def _role(obj: JsonDict, now: datetime.datetime) -> Cells:
    return [_head(obj), _meta(obj).get("creationTimestamp")]


def _binding(obj: JsonDict, now: datetime.datetime) -> Cells:
    ref = obj.get("roleRef") or {}
    subjects = obj.get("subjects") or []

    def named(kind: str) -> str:
        return ", ".join(str(s.get("name")) for s in subjects if s.get("kind") == kind)

    accounts = [f"{s.get('namespace', '')}/{s.get('name')}" for s in subjects
                if s.get("kind") == "ServiceAccount"]  # fmt: skip
    role = f"{ref.get('kind', '')}/{ref.get('name', '')}"
    return [_head(obj), role, _age(obj, now), named("User"), named("Group"), ", ".join(accounts)]


def _webhooks(obj: JsonDict, now: datetime.datetime) -> Cells:
    return [_head(obj), len(obj.get("webhooks") or []), _age(obj, now)]


_WIDE = (column("Containers", priority=1), column("Images", priority=1))

MORE_PRINTERS: dict[str | None, Printer] = {
    "services": ((NAME, column("Type"), column("Cluster-IP"), column("External-IP"),
                  column("Port(s)"), AGE, column("Selector", priority=1)), _service),
    "secrets": ((NAME, column("Type"), column("Data", _INT), AGE), _secret),
    "serviceaccounts": ((NAME, column("Secrets", _INT), AGE), _service_account),
    "nodes": ((NAME, column("Status"), column("Roles"), AGE, column("Version"),
               *(column(name, priority=1) for name in ("Internal-IP", "External-IP", "OS-Image",
                                                      "Kernel-Version", "Container-Runtime"))),
              _node),
    "daemonsets": ((NAME, column("Desired", _INT), column("Current", _INT),
                    column("Ready", _INT), column("Up-to-date", _INT),
                    column("Available", _INT), column("Node Selector"), AGE, *_WIDE,
                    column("Selector", priority=1)), _daemonset),
    "poddisruptionbudgets": ((NAME, column("Min Available"), column("Max Unavailable"),
                              column("Allowed Disruptions", _INT), AGE), _budget),
    "roles": ((NAME, column("Created At", "date")), _role),
    "bindings": ((NAME, column("Role"), AGE, column("Users", priority=1),
                  column("Groups", priority=1), column("ServiceAccounts", priority=1)),
                 _binding),
    "webhooks": ((NAME, column("Webhooks", _INT), AGE), _webhooks),
}  # fmt: skip
