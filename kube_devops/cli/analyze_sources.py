"""Where ``analyze`` gets its documents: files, directories and stdin (YAML or JSON), read one
document at a time (``analyze_stream``), or the live cluster.

A directory is searched recursively for ``.yaml``, ``.yml`` and ``.json`` files.

Each document comes with a label naming its source: ``path#N`` (N counts documents from 1),
``<stdin>#N``, or ``cluster``. Problems that stop a whole source (unreadable file, malformed
YAML from some document on, no object at all) are appended to ``errors`` as one line each; the
other sources are still read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from kube_devops.cli.analyze_stream import StreamError, parse_stream, problem
from kube_devops.kube.client import KubeClient
from kube_devops.kube.config import ClusterConfig
from kube_devops.kube.errors import NotFound
from kube_devops.kube.resources import DEVOPSPOLICIES, PODS

STDIN = "-"
#: File names a directory is searched for.
SUFFIXES = (".yaml", ".yml", ".json")


def file_documents(
    paths: Sequence[str], errors: list[str], stdin: IO[Any]
) -> Iterator[tuple[str, object]]:
    """``(label, document)`` for every document of every path, in order; ``-`` reads ``stdin``."""
    for path in paths:
        if path == STDIN:
            yield from _stream_documents("<stdin>", getattr(stdin, "buffer", stdin), errors)
        elif Path(path).is_dir():
            yield from _directory_documents(Path(path), errors)
        else:
            yield from _file_documents(path, errors)


def _directory_documents(directory: Path, errors: list[str]) -> Iterator[tuple[str, object]]:
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        errors.append(
            f"{directory}: no .yaml, .yml or .json file in this directory (searched recursively); "
            "pass files or a directory holding Kubernetes objects"
        )
    for file in files:
        yield from _file_documents(str(file), errors)


def _file_documents(path: str, errors: list[str]) -> Iterator[tuple[str, object]]:
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed by the with below, around the yields
    except OSError as err:
        errors.append(
            f"{path}: cannot read the file ({err.strerror or err}); pass an existing YAML/JSON file"
        )
        return
    with stream:
        yield from _stream_documents(path, stream, errors)


def _stream_documents(
    name: str, stream: IO[Any], errors: list[str]
) -> Iterator[tuple[str, object]]:
    parts = objects = 0
    try:
        for index, item, doc in parse_stream(stream):
            parts, objects = parts + 1, objects + (doc is not None)
            yield f"{name}#{index}" + ("" if item is None else f" items[{item}]"), doc
    except StreamError as err:
        errors.append(_stopped(name, err.index, parts, str(err)))
        return
    except OSError as err:
        errors.append(_stopped(name, parts + 1, parts, problem(err)))
        return
    if not objects:
        errors.append(
            f"{name}: no Kubernetes object in it (empty, or only comments and '---'); "
            "pass YAML/JSON with Pods or workloads (Deployments, Jobs, ...)"
        )


def _stopped(name: str, index: int, parts: int, what: str) -> str:
    """The error line of a source that stopped in document ``index`` after ``parts`` documents
    or List items were handed on."""
    if not parts:
        return f"{name}: {what} (nothing in this file was analysed)"
    return (
        f"{name}#{index}: {what} ({parts} document(s) or List item(s) before it were analysed, "
        "the rest of this file was not)"
    )


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
    kind = {"apiVersion": DEVOPSPOLICIES.api_version, "kind": DEVOPSPOLICIES.kind}
    docs: list[tuple[str, object]] = [("cluster", {**kind, **item}) for item in policies]
    for item in pods.get("items") or []:
        docs.append(("cluster", {"apiVersion": "v1", "kind": "Pod", **item}))
    return docs
