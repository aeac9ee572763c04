"""Discovery as the official Python client and client-go read it: legacy documents for clients
that ask for plain JSON, aggregated discovery (``apidiscovery.k8s.io/v2``) for those asking it."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

from kubernetes import dynamic

from tests.support.emulator import KubeEmulator

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def _get(url: str, accept: str) -> tuple[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Content-Type"], json.loads(response.read())


def test_legacy_discovery_for_plain_json(kube_emulator: KubeEmulator) -> None:
    content_type, api = _get(f"{kube_emulator.url}/api", "application/json")
    assert content_type.startswith("application/json")
    assert (api["kind"], api["versions"]) == ("APIVersions", ["v1"])
    _, core = _get(f"{kube_emulator.url}/api/v1", "application/json")
    assert core["groupVersion"] == "v1"
    _, groups = _get(f"{kube_emulator.url}/apis", "application/json, */*")
    ours = next(g for g in groups["groups"] if g["name"] == "devops.stochastic.io")
    assert ours["preferredVersion"] == {"groupVersion": "devops.stochastic.io/v1", "version": "v1"}


def test_aggregated_discovery_when_asked_first(kube_emulator: KubeEmulator) -> None:
    accept = f"{AGGREGATED},application/json"
    content_type, answer = _get(f"{kube_emulator.url}/apis", accept)
    assert content_type == AGGREGATED
    assert answer["kind"] == "APIGroupDiscoveryList"
    apps = next(item for item in answer["items"] if item["metadata"].get("name") == "apps")
    deployments = next(
        r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments"
    )
    assert deployments["shortNames"] == ["deploy"]
    assert [s["subresource"] for s in deployments["subresources"]] == ["scale", "status"]


def test_official_dynamic_client_finds_kinds_and_short_names(
    kube_emulator: KubeEmulator, tmp_path: Path
) -> None:
    client = dynamic.DynamicClient(  # type: ignore[no-untyped-call]  # not annotated upstream
        kube_emulator.api_client(), cache_file=str(tmp_path / "discovery.json")
    )
    policies = client.resources.get(api_version="devops.stochastic.io/v1", kind="DevOpsPolicy")
    assert (policies.name, policies.short_names, policies.namespaced) == (
        "devopspolicies", ["dop"], True
    )  # fmt: skip
    pods = client.resources.get(api_version="v1", kind="Pod")
    assert pods.short_names == ["po"]
    assert pods.get(namespace="default").items == []
