"""The Dockerfile builds the image the generated Deployments run: same command, user, ports and
version, and nothing written outside ``/tmp`` (their root filesystem is read-only).

Static: the file is parsed here (no container engine is needed or available to run it).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

import kube_devops
from kube_devops.manifests.deploy import DeploySettings, deployments

REPO_ROOT = Path(__file__).resolve().parents[2]
Instruction = tuple[str, str]


def _instructions(text: str) -> list[Instruction]:
    """``(KEYWORD, arguments)`` per instruction, continuation lines joined, comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _final_stage() -> list[Instruction]:
    found = _instructions((REPO_ROOT / "Dockerfile").read_text(encoding="utf-8"))
    last_from = max(i for i, (keyword, _) in enumerate(found) if keyword == "FROM")
    return found[last_from:]


def _one(keyword: str) -> str:
    (value,) = [rest for kw, rest in _final_stage() if kw == keyword]
    return value


def _pairs(keyword: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for kw, rest in _final_stage():
        if kw == keyword:
            pairs.update(_pair(item) for item in shlex.split(rest))
    return pairs


def _pair(item: str) -> tuple[str, str]:
    key, value = item.split("=", 1)
    return key, value


def _containers() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(pod spec, container) of each generated Deployment."""
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for doc in deployments(DeploySettings()):
        if doc["kind"] == "Deployment":
            spec = doc["spec"]["template"]["spec"]
            found.extend((spec, c) for c in spec["containers"])
    assert len(found) == 3
    return found


def test_base_is_python_slim() -> None:
    assert _one("FROM") == "python:3.11-slim"


def test_entrypoint_is_the_deployments_command() -> None:
    entrypoint = json.loads(_one("ENTRYPOINT"))
    assert entrypoint == ["kube-devops"]
    for _, container in _containers():
        assert container["command"] == entrypoint
    assert json.loads(_one("CMD")) == ["--help"]


def test_user_is_the_deployments_numeric_non_root_user() -> None:
    user, _, group = _one("USER").partition(":")
    assert (user, group) == ("65532", "65532")
    for pod, _ in _containers():
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True
        assert (context["runAsUser"], context["runAsGroup"]) == (65532, 65532)


def test_exposed_ports_are_the_container_ports() -> None:
    exposed = {int(port) for port in _one("EXPOSE").split()}
    ports = {p["containerPort"] for _, c in _containers() for p in c["ports"]}
    assert exposed == ports == {8080, 9090, 8443}


def test_image_version_is_the_one_deploy_names() -> None:
    version = _pairs("LABEL")["org.opencontainers.image.version"]
    assert version == kube_devops.__version__, "update the LABEL of the Dockerfile"
    assert DeploySettings().image == f"kube-devops:{version}"


@pytest.mark.parametrize("name", ["HOME", "XDG_CACHE_HOME", "MPLCONFIGDIR"])
def test_run_time_writes_go_to_the_tmp_volume(name: str) -> None:
    env = _pairs("ENV")
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert _one("WORKDIR") == "/tmp"
    assert env[name] == "/tmp" or env[name].startswith("/tmp/")
    for _, container in _containers():
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


def test_dockerignore_keeps_what_the_package_data_links_to() -> None:
    ignored = {
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "reports"} <= ignored
    assert not {"notebooks", "kube-tests", "kube_devops", "README.md", "LICENSE"} & ignored
