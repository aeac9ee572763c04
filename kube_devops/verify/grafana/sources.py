"""Find every Grafana dashboard in the files a user points at.

Accepted forms: a dashboard JSON model; an exported dashboard (with ``__inputs``); the HTTP API form
``{"dashboard": {...}}``; a ConfigMap (YAML or JSON) whose data values are dashboards; a ``List`` or
``ConfigMapList`` of such ConfigMaps; a grafana-operator ``GrafanaDashboard`` (``spec.json``);
several YAML documents in one file; a directory searched recursively for ``.json``, ``.yaml`` and
``.yml`` files. Each dashboard keeps where it came from: ``path``, ``path#key`` for a ConfigMap
data key, ``path#name/key`` for a ConfigMap inside a list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kube_devops.verify.dashboard import DashboardError
from kube_devops.verify.grafana.panels import as_list, has_targets

SUFFIXES = (".json", ".yaml", ".yml")
_LISTS = frozenset({"List", "ConfigMapList"})
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class DashboardSource:
    """One dashboard JSON model and where it was found."""

    raw: dict[str, Any]
    """The dashboard JSON model."""
    file: str
    """Path, with ``#key`` for a ConfigMap data key or ``#name/key`` for a list item."""


def load_dashboards(paths: Sequence[Path]) -> list[DashboardSource]:
    """Every dashboard in ``paths`` (files or directories), in order.

    Raises :class:`DashboardError` naming the file when a file given by name holds no dashboard,
    a file cannot be read or is not UTF-8, a dashboard has no panel target, or a directory holds
    no dashboard at all. In a directory, JSON and YAML files that hold no dashboard (manifests,
    kustomizations, ...) are passed over.
    """
    found: list[DashboardSource] = []
    for path in map(Path, paths):
        found.extend(_load_directory(path) if path.is_dir() else _load_file(path, required=True))
    return found


def _load_directory(path: Path) -> list[DashboardSource]:
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    found = [source for file in files for source in _load_file(file, required=False)]
    if not found:
        raise DashboardError(
            f"dashboard directory {path}: no Grafana dashboard in its {len(files)} .json, .yaml "
            "or .yml files (searched recursively); point --dashboard at dashboard files"
        )
    return found


def _load_file(path: Path, *, required: bool) -> list[DashboardSource]:
    text = _read_text(path)
    documents = _documents(text, path)
    found = [
        DashboardSource(raw, f"{path}{suffix}")
        for document in documents
        for raw, suffix in _dashboards_in(document)
    ]
    if not found and required:
        raise DashboardError(
            f"{path}: no Grafana dashboard found; expected a dashboard JSON model (an object with "
            "'panels'), {\"dashboard\": {...}}, or a ConfigMap / List / ConfigMapList whose data "
            "values are dashboard JSON"
        )
    for source in found:
        if not has_targets(source.raw):
            title = source.raw.get("title") or "(untitled)"
            raise DashboardError(
                f"{source.file}: dashboard {title!r} has no panel targets (no panel has a query); "
                "point --dashboard at a dashboard with queries"
            )
    return found


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DashboardError(f"{path}: cannot read it ({err.strerror or err})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DashboardError(
            f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "save the file as UTF-8"
        ) from None


def _documents(text: str, path: Path) -> list[Any]:
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    try:
        return [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DashboardError(f"{path}: neither JSON nor YAML ({first})") from None


def _dashboards_in(document: Any, where: str = "") -> Iterator[tuple[dict[str, Any], str]]:
    if not isinstance(document, dict):
        return
    kind = str(document.get("kind") or "")
    if kind in _LISTS or (not kind and isinstance(document.get("items"), list)):
        for index, item in enumerate(as_list(document.get("items"))):
            yield from _dashboards_in(item, _item_name(item, index))
    elif kind == "ConfigMap":
        yield from _config_map(document, where)
    elif kind == "GrafanaDashboard":
        spec = document.get("spec")
        embedded = spec.get("json") if isinstance(spec, Mapping) else None
        yield from _embedded(embedded, f"#{where or 'spec.json'}")
    elif isinstance(document.get("dashboard"), dict):
        yield from _dashboards_in(document["dashboard"], where)
    elif _is_dashboard(document):
        yield document, f"#{where}" if where else ""


def _config_map(document: Mapping[str, Any], where: str) -> Iterator[tuple[dict[str, Any], str]]:
    data = document.get("data") or {}
    if not isinstance(data, Mapping):
        return
    for key, value in data.items():
        yield from _embedded(value, f"#{where}/{key}" if where else f"#{key}")


def _embedded(value: Any, suffix: str) -> Iterator[tuple[dict[str, Any], str]]:
    if not isinstance(value, str):
        return
    try:
        inner = json.loads(value)
    except ValueError:
        return
    for raw, _ in _dashboards_in(inner):
        yield raw, suffix


def _item_name(item: Any, index: int) -> str:
    meta = item.get("metadata") if isinstance(item, dict) else None
    name = meta.get("name") if isinstance(meta, dict) else None
    return str(name) if name else f"items[{index}]"


def _is_dashboard(document: Mapping[str, Any]) -> bool:
    return isinstance(document.get("panels"), list) or isinstance(document.get("rows"), list)
