"""Render Prometheus scrape jobs from ServiceMonitor objects the way the Prometheus Operator does.

The operator turns each ServiceMonitor endpoint into a job named
``serviceMonitor/<namespace>/<name>/<index>`` that discovers Endpoints through Kubernetes service
discovery and relabels them to ``job`` (the Service name, or its ``jobLabel`` label),
``namespace``, ``service``, ``pod``, ``container`` and ``endpoint`` (the port name). With no
service discovery on loopback, this module resolves the same objects itself — ServiceMonitor ->
matching Services -> their Endpoints -> addresses on the named port — and emits static targets
carrying exactly the labels the relabelling would produce. Pure: dicts in, dicts out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kube_devops.core.meta import Meta

JsonDict = Mapping[str, Any]


def scrape_configs(
    monitors: Sequence[JsonDict],
    services: Sequence[JsonDict],
    endpoints: Sequence[JsonDict],
    *,
    interval_override: str | None = None,
) -> list[dict[str, Any]]:
    """One scrape job per ServiceMonitor endpoint, with static targets from Endpoints objects."""
    jobs: list[dict[str, Any]] = []
    for monitor in monitors:
        for index, endpoint in enumerate((monitor.get("spec") or {}).get("endpoints") or []):
            jobs.append(_job(monitor, index, endpoint, services, endpoints, interval_override))
    return jobs


def _job(
    monitor: JsonDict,
    index: int,
    endpoint: JsonDict,
    services: Sequence[JsonDict],
    endpoints: Sequence[JsonDict],
    interval_override: str | None,
) -> dict[str, Any]:
    meta = monitor.get("metadata") or {}
    job: dict[str, Any] = {
        "job_name": f"serviceMonitor/{meta.get('namespace')}/{meta.get('name')}/{index}",
        "honor_labels": bool(endpoint.get("honorLabels", False)),
        "metrics_path": endpoint.get("path") or "/metrics",
        "scheme": endpoint.get("scheme") or "http",
    }
    interval = interval_override or endpoint.get("interval")
    if interval:
        job["scrape_interval"] = interval
        job["scrape_timeout"] = endpoint.get("scrapeTimeout") or interval
    tls = endpoint.get("tlsConfig") or {}
    if tls:
        job["tls_config"] = {"insecure_skip_verify": bool(tls.get("insecureSkipVerify"))}
        if tls.get("serverName"):
            job["tls_config"]["server_name"] = tls["serverName"]
    if endpoint.get("params"):
        job["params"] = {k: list(v) for k, v in endpoint["params"].items()}
    job["static_configs"] = list(_static_configs(monitor, endpoint, services, endpoints))
    return job


def _static_configs(
    monitor: JsonDict,
    endpoint: JsonDict,
    services: Sequence[JsonDict],
    endpoints: Sequence[JsonDict],
) -> Iterator[dict[str, Any]]:
    spec = monitor.get("spec") or {}
    namespaces = _namespaces(monitor)
    for service in services:
        smeta = service.get("metadata") or {}
        if namespaces is not None and smeta.get("namespace") not in namespaces:
            continue
        if not selector_matches(spec.get("selector") or {}, smeta.get("labels") or {}):
            continue
        for address, port_name, pod in _addresses(service, endpoint, endpoints):
            labels = {
                "job": _job_label(spec, smeta),
                "namespace": str(smeta.get("namespace", "")),
                "service": str(smeta.get("name", "")),
                "endpoint": port_name,
            }
            if pod:
                labels["pod"] = pod
            for name in spec.get("targetLabels") or []:
                if name in (smeta.get("labels") or {}):
                    labels[name] = smeta["labels"][name]
            yield {"targets": [address], "labels": labels}


def _namespaces(monitor: JsonDict) -> set[str] | None:
    selector = (monitor.get("spec") or {}).get("namespaceSelector") or {}
    if selector.get("any"):
        return None
    names = selector.get("matchNames") or [Meta.of(monitor).declared_namespace]
    return {str(n) for n in names}


def _job_label(spec: JsonDict, service_meta: JsonDict) -> str:
    job_label = spec.get("jobLabel")
    labels = service_meta.get("labels") or {}
    if job_label and job_label in labels:
        return str(labels[job_label])
    return str(service_meta.get("name", ""))


def _addresses(
    service: JsonDict, endpoint: JsonDict, endpoints: Sequence[JsonDict]
) -> Iterator[tuple[str, str, str]]:
    smeta = service.get("metadata") or {}
    for item in endpoints:
        meta = item.get("metadata") or {}
        if (meta.get("namespace"), meta.get("name")) != (smeta.get("namespace"), smeta.get("name")):
            continue
        for subset in item.get("subsets") or []:
            for port in subset.get("ports") or []:
                if not _port_matches(endpoint, port):
                    continue
                for address in subset.get("addresses") or []:
                    pod = (address.get("targetRef") or {}).get("name", "")
                    yield f"{address['ip']}:{port['port']}", str(port.get("name", "")), str(pod)


def _port_matches(endpoint: JsonDict, port: JsonDict) -> bool:
    if endpoint.get("port"):
        return bool(port.get("name") == endpoint["port"])
    target = endpoint.get("targetPort")
    if target is not None:
        return target in (port.get("port"), port.get("name"))
    return True


def selector_matches(selector: JsonDict, labels: Mapping[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions) against a label map."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True
