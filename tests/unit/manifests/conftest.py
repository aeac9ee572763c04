"""Fixtures of the manifest tests: the generated object sets with default settings."""

from __future__ import annotations

from typing import Any

import pytest

from kube_devops.manifests.deploy import DeploySettings
from kube_devops.manifests.reference import deploy_all, observability_all
from kube_devops.manifests.servicemonitors import ObservabilitySettings


@pytest.fixture(scope="session")
def observability() -> list[dict[str, Any]]:
    """``observability generate-all`` with default settings."""
    return observability_all(ObservabilitySettings())


@pytest.fixture(scope="session")
def deployment_set() -> list[dict[str, Any]]:
    """``deploy generate-all`` with default settings."""
    return deploy_all(DeploySettings())
