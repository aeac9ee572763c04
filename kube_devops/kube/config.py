"""Cluster configuration: which API server to talk to and with which credentials.

Public API:

- ``ClusterConfig(kubeconfig=None, context=None)`` — what the CLI passes down (its
  ``--kubeconfig`` / ``--context`` flags).
- ``load_api_client(config) -> kubernetes.client.ApiClient`` — resolution order: the explicit
  kubeconfig file; else ``$KUBECONFIG`` or ``~/.kube/config`` when present; else the in-cluster
  service account. Raises ``ConfigError`` saying what was tried and how to fix it.
- ``describe(config) -> str`` — a one-line human description of the source in use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from kubernetes import client, config

from kube_devops.kube.errors import ConfigError


@dataclass(frozen=True)
class ClusterConfig:
    """Where the cluster configuration comes from."""

    kubeconfig: str | None = None
    """Path of a kubeconfig file; None means ``$KUBECONFIG``, ``~/.kube/config``, in-cluster."""
    context: str | None = None
    """Context inside the kubeconfig; None means its current context."""


def _kubeconfig_path(cfg: ClusterConfig) -> str | None:
    if cfg.kubeconfig:
        if not Path(cfg.kubeconfig).is_file():
            raise ConfigError(
                f"kubeconfig {cfg.kubeconfig!r} does not exist; pass an existing file to "
                "--kubeconfig"
            )
        return cfg.kubeconfig
    env = os.environ.get("KUBECONFIG", "")
    for candidate in [*env.split(os.pathsep), str(Path("~/.kube/config").expanduser())]:
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def load_api_client(cfg: ClusterConfig) -> client.ApiClient:
    """A configured ``ApiClient`` (see the module docstring for the resolution order)."""
    path = _kubeconfig_path(cfg)
    if path is not None:
        try:
            api: client.ApiClient = config.new_client_from_config(  # type: ignore[no-untyped-call]
                config_file=path, context=cfg.context, persist_config=False
            )
            return api
        except (config.ConfigException, ValueError, OSError, TypeError, yaml.YAMLError) as err:
            raise ConfigError(
                f"kubeconfig {path!r} is unusable ({err}); check its contexts "
                "(kubectl config get-contexts) or pass --context"
            ) from err
    configuration = client.Configuration()
    try:
        config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
    except config.ConfigException as err:
        raise ConfigError(
            "no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.kube/config) and not running "
            f"in a cluster ({err}); pass --kubeconfig PATH"
        ) from err
    return client.ApiClient(configuration)


def describe(cfg: ClusterConfig) -> str:
    """Human description of the configuration source that ``load_api_client`` would use."""
    path = _kubeconfig_path(cfg)
    if path is None:
        return "in-cluster service account"
    return f"kubeconfig {path}" + (f" (context {cfg.context})" if cfg.context else "")
