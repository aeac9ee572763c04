"""Lists paged by ``limit`` and ``continue``, through the official client and kubectl."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes import client

from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body, list_meta, meta
from tests.support.kubectl import Kubectl


def _seed(kube: KubeEmulator, names: list[str]) -> None:
    for name in names:
        config_map = {"metadata": {"name": name}, "data": {"n": name}}
        kube.core.create_namespaced_config_map("default", body(client.V1ConfigMap, config_map))


def test_official_client_follows_continue_tokens(kube_emulator: KubeEmulator) -> None:
    _seed(kube_emulator, ["e", "c", "a", "d", "b"])
    core = kube_emulator.core
    first = core.list_namespaced_config_map("default", limit=2)
    assert [meta(c).name for c in first.items] == ["a", "b"]
    assert list_meta(first).remaining_item_count == 3
    second = core.list_namespaced_config_map(
        "default", limit=2, _continue=list_meta(first)._continue
    )
    assert [meta(c).name for c in second.items] == ["c", "d"]
    assert list_meta(second).resource_version == list_meta(first).resource_version
    last = core.list_namespaced_config_map(
        "default", limit=2, _continue=list_meta(second)._continue
    )
    assert [meta(c).name for c in last.items] == ["e"]
    assert list_meta(last)._continue is None
    labelled = core.list_namespaced_config_map("default", limit=1, label_selector="x!=y")
    assert list_meta(labelled).remaining_item_count is None  # not counted with a selector
    with pytest.raises(client.ApiException) as err:
        core.list_namespaced_config_map("default", _continue="not-a-token")
    assert err.value.status == 400


def test_kubectl_chunked_get_prints_every_page(kube_emulator: KubeEmulator, tmp_path: Path) -> None:
    _seed(kube_emulator, ["c1", "c2", "c3"])
    kubectl = Kubectl(kube_emulator.kubeconfig, tmp_path / "kubectl-cache")
    names = kubectl.ok("get", "cm", "--chunk-size=2", "-o", "name")
    assert names == "configmap/c1\nconfigmap/c2\nconfigmap/c3\n"
    table = kubectl.ok("get", "cm", "--chunk-size=2").splitlines()
    assert [line.split()[0] for line in table] == ["NAME", "c1", "c2", "c3"]
