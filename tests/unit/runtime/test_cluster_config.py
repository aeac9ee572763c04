"""Where the adapter's configuration comes from: --kubeconfig/--context, $KUBECONFIG, in-cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes.config import incluster_config

from kube_devops.kube.config import ClusterConfig, describe, load_api_client
from kube_devops.kube.errors import ConfigError
from kube_devops.sandbox.emulator import write_kubeconfig


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.kube/config
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_PORT", raising=False)


def _host(cfg: ClusterConfig) -> str:
    api = load_api_client(cfg)
    try:
        return str(api.configuration.host)
    finally:
        api.close()  # type: ignore[no-untyped-call]  # not annotated in the client


def test_explicit_kubeconfig_and_context(tmp_path: Path) -> None:
    path = write_kubeconfig(tmp_path / "config", "http://127.0.0.1:6443")
    assert _host(ClusterConfig(str(path), "kmock")) == "http://127.0.0.1:6443"
    assert describe(ClusterConfig(str(path), "kmock")) == f"kubeconfig {path} (context kmock)"
    with pytest.raises(ConfigError, match="or pass --context"):
        load_api_client(ClusterConfig(str(path), "staging"))


def test_missing_kubeconfig_file_names_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist; pass an existing file to --kubeconfig"):
        load_api_client(ClusterConfig(str(tmp_path / "nope")))


def test_kubeconfig_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_kubeconfig(tmp_path / "env-config", "http://127.0.0.2:6443")
    monkeypatch.setenv("KUBECONFIG", str(path))
    assert _host(ClusterConfig()) == "http://127.0.0.2:6443"
    assert describe(ClusterConfig()) == f"kubeconfig {path}"


def test_in_cluster_service_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token, ca = tmp_path / "token", tmp_path / "ca.crt"
    token.write_text("sa-token")
    ca.write_text("not checked until a request is made")
    monkeypatch.setattr(incluster_config, "SERVICE_TOKEN_FILENAME", str(token))
    monkeypatch.setattr(incluster_config, "SERVICE_CERT_FILENAME", str(ca))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    api = load_api_client(ClusterConfig())
    try:
        assert api.configuration.host == "https://10.96.0.1:443"
        auth = api.configuration.auth_settings()["BearerToken"]
        assert (auth["key"], auth["value"]) == ("authorization", "bearer sa-token")
    finally:
        api.close()  # type: ignore[no-untyped-call]  # not annotated in the client
    assert describe(ClusterConfig()) == "in-cluster service account"


def test_nothing_configured_says_what_to_pass() -> None:
    with pytest.raises(ConfigError, match=r"not running in a cluster .*; pass --kubeconfig PATH"):
        load_api_client(ClusterConfig())
