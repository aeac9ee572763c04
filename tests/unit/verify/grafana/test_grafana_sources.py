"""Every input form a user may point ``--dashboard`` at, and the one-line errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.verify.dashboard import DashboardError
from kube_devops.verify.grafana import load_dashboards


def _dashboard(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "panels": [{"type": "stat", "title": "p", "targets": [{"refId": "A", "expr": "up"}]}],
    }


def _config_map(name: str, *titles: str) -> dict[str, Any]:
    data = {f"{t}.json": json.dumps(_dashboard(t)) for t in titles}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def _found(tmp_path: Path, name: str, content: str) -> list[tuple[str, str]]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return [
        (s.raw["title"], s.file.removeprefix(str(tmp_path) + "/")) for s in load_dashboards([path])
    ]


def test_plain_exported_and_api_forms(tmp_path: Path) -> None:
    exported = {**_dashboard("exported"), "__inputs": [{"name": "DS_P", "pluginId": "prometheus"}]}
    assert _found(tmp_path, "a.json", json.dumps(_dashboard("plain"))) == [("plain", "a.json")]
    assert _found(tmp_path, "b.json", json.dumps(exported)) == [("exported", "b.json")]
    api = {"dashboard": _dashboard("api"), "meta": {"slug": "api"}}
    assert _found(tmp_path, "c.json", json.dumps(api)) == [("api", "c.json")]


def test_config_map_yaml_with_several_keys_and_a_non_dashboard_key(tmp_path: Path) -> None:
    cm = _config_map("dash", "one", "two")
    cm["data"]["README"] = "not a dashboard"
    assert _found(tmp_path, "cm.yaml", yaml.safe_dump(cm)) == [
        ("one", "cm.yaml#one.json"),
        ("two", "cm.yaml#two.json"),
    ]


def test_config_map_list_of_three_with_several_dashboards_each(tmp_path: Path) -> None:
    """kube-prometheus grafana-dashboardDefinitions.yaml: kind ConfigMapList."""
    items = [
        _config_map("cm-1", "a", "b"),
        _config_map("cm-2", "c", "d", "e"),
        _config_map("cm-3", "f", "g"),
    ]
    listed = {"apiVersion": "v1", "kind": "ConfigMapList", "items": items}
    assert _found(tmp_path, "defs.yaml", yaml.safe_dump(listed)) == [
        ("a", "defs.yaml#cm-1/a.json"),
        ("b", "defs.yaml#cm-1/b.json"),
        ("c", "defs.yaml#cm-2/c.json"),
        ("d", "defs.yaml#cm-2/d.json"),
        ("e", "defs.yaml#cm-2/e.json"),
        ("f", "defs.yaml#cm-3/f.json"),
        ("g", "defs.yaml#cm-3/g.json"),
    ]


def test_list_kind_and_several_yaml_documents(tmp_path: Path) -> None:
    listed = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [_config_map("x", "a"), _config_map("y", "b")],
    }
    assert [t for t, _ in _found(tmp_path, "l.yaml", yaml.safe_dump(listed))] == ["a", "b"]
    docs = yaml.safe_dump_all([_config_map("x", "a"), _config_map("y", "b")])
    assert _found(tmp_path, "m.yml", docs) == [("a", "m.yml#a.json"), ("b", "m.yml#b.json")]


def test_directory_is_searched_recursively_passing_over_files_without_dashboards(
    tmp_path: Path,
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.json").write_text(json.dumps(_dashboard("one")), encoding="utf-8")
    cm = yaml.safe_dump(_config_map("cm", "two"))
    (tmp_path / "sub" / "two.yaml").write_text(cm, encoding="utf-8")
    (tmp_path / "sub" / "kustomization.yaml").write_text("resources: [two.yaml]\n", "utf-8")
    (tmp_path / "sub" / "notes.txt").write_text("ignored", encoding="utf-8")
    found = [(s.raw["title"], Path(s.file).name) for s in load_dashboards([tmp_path])]
    assert found == [("one", "one.json"), ("two", "two.yaml#two.json")]


def _error(path: Path) -> str:
    with pytest.raises(DashboardError) as caught:
        load_dashboards([path])
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_non_utf8_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "caf\u00e9"}'.encode("latin-1"))
    assert "not UTF-8 text (byte 0xe9 at offset 14); save the file as UTF-8" in _error(path)


def test_file_without_dashboard_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("kind: Deployment\nmetadata: {name: x}\n", encoding="utf-8")
    assert "no Grafana dashboard found" in _error(path)


def test_dashboard_without_targets_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"title": "Empty", "panels": [{"type": "text"}]}), encoding="utf-8")
    assert "dashboard 'Empty' has no panel targets" in _error(path)


def test_missing_file_and_empty_directory(tmp_path: Path) -> None:
    assert "cannot read it" in _error(tmp_path / "missing.json")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "deploy.yaml").write_text("kind: Deployment\n", encoding="utf-8")
    assert "no Grafana dashboard in its 1 .json, .yaml or .yml files" in _error(tmp_path / "empty")


def test_grafana_operator_dashboard_resource(tmp_path: Path) -> None:
    resource = {
        "kind": "GrafanaDashboard",
        "metadata": {"name": "nodes"},
        "spec": {"json": json.dumps(_dashboard("op"))},
    }
    assert _found(tmp_path, "g.yaml", yaml.safe_dump(resource)) == [("op", "g.yaml#spec.json")]
