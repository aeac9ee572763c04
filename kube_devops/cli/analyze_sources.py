"""Where ``analyze`` gets its documents: files and stdin (YAML or JSON), or the live cluster.

Each document comes with a label naming its source: ``path#N`` (N counts documents from 1),
``<stdin>#N``, or ``cluster``. Problems that stop a whole source (unreadable file, malformed YAML)
are appended to ``errors`` as one line each; the other sources are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import yaml

from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import NotFound
from kube_devops.kube.resources import DEVOPSPOLICIES, PODS

STDIN = "-"


def file_documents(
    paths: Sequence[str], errors: list[str], stdin: TextIO
) -> Iterator[tuple[str, object]]:
    """``(label, document)`` for every document of every path; ``-`` reads ``stdin`` once."""
    for path in paths:
        name = "<stdin>" if path == STDIN else path
        text = _read(path, stdin, errors)
        if text is None:
            continue
        try:
            docs = parse_text(text)
        except ValueError as err:
            errors.append(f"{name}: {err}; fix the syntax (nothing in this file was analysed)")
            continue
        for index, doc in enumerate(docs, start=1):
            yield f"{name}#{index}", doc


def _read(path: str, stdin: TextIO, errors: list[str]) -> str | None:
    if path == STDIN:
        return stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        errors.append(f"{path}: cannot read the file ({reason}); pass an existing YAML/JSON file")
        return None


def parse_text(text: str) -> list[Any]:
    """Documents of a YAML stream or a JSON value; ValueError with line and column."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(
                f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}"
            ) from None
        return value if isinstance(value, list) else [value]
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as err:
        raise ValueError(_yaml_problem(err)) from None


def _yaml_problem(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    if mark is None:
        return f"malformed YAML: {problem}"
    return f"malformed YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"


async def cluster_documents(
    cfg: ClusterConfig, namespace: str | None = None
) -> list[tuple[str, object]]:
    """Every pod and every DevOpsPolicy in the cluster, or in ``namespace`` (no policies when
    the CRD is absent)."""
    client = KubeClient.from_config(cfg)
    try:
        pods = await client.list_all(PODS, namespace)
        try:
            policies = (await client.list_all(DEVOPSPOLICIES, namespace)).get("items") or []
        except NotFound:
            policies = []
    finally:
        client.close()
    docs: list[tuple[str, object]] = []
    for item in policies:
        docs.append(
            (
                "cluster",
                {"apiVersion": DEVOPSPOLICIES.api_version, "kind": DEVOPSPOLICIES.kind, **item},
            )
        )
    for item in pods.get("items") or []:
        docs.append(("cluster", {"apiVersion": "v1", "kind": "Pod", **item}))
    return docs
