"""``analyze`` reads YAML with libyaml when PyYAML has it, one document at a time.

A 50 MB stream took 154 s and 931 MB with the pure-Python loader reading the whole file into a
list (``benchmarks/analyze_large_yaml.py`` measures it); these tests pin the two causes, and that
an error part-way through a stream still names the document and the line.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.cli.analyze_sources import file_documents
from kube_devops.cli.analyze_stream import yaml_loader
from kube_devops.cli.main import main

POD = """\
---
apiVersion: v1
kind: Pod
metadata: {{name: web-{i}, namespace: dev}}
spec:
  containers:
  - name: app
    image: nginx:1.27.0
    livenessProbe: {{tcpSocket: {{port: 80}}}}
    readinessProbe: {{tcpSocket: {{port: 80}}}}
"""


class _CountingStream(io.BytesIO):
    """stdin that counts the bytes handed out."""

    handed_out = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.handed_out += len(data)
        return data


def test_the_c_loader_is_the_one_used_when_pyyaml_has_it() -> None:
    assert yaml_loader() is yaml.CSafeLoader


def test_the_pure_python_loader_when_libyaml_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(yaml, "CSafeLoader")
    assert yaml_loader() is yaml.SafeLoader


def test_documents_are_parsed_by_the_c_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []

    class Recording(yaml.CSafeLoader):
        def __init__(self, stream: Any) -> None:
            made.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(yaml, "CSafeLoader", Recording)
    path = tmp_path / "pods.yaml"
    path.write_text(POD.format(i=1) + POD.format(i=2))
    errors: list[str] = []
    found = [label for label, _ in file_documents([str(path)], errors, io.StringIO())]
    assert (found, errors, len(made)) == ([f"{path}#1", f"{path}#2"], [], 1)


def test_the_first_document_comes_before_the_stream_is_read() -> None:
    text = "".join(POD.format(i=i) for i in range(5000)).encode()
    stdin = _CountingStream(text)
    documents = file_documents(["-"], [], stdin)
    label, first = next(documents)
    assert (label, first["metadata"]["name"]) == ("<stdin>#1", "web-0")  # type: ignore[index]
    assert len(text) > 1_000_000
    assert stdin.handed_out < 100_000  # one read-ahead buffer, not the million bytes
    assert sum(1 for _ in documents) == 4999


def test_an_error_in_the_third_document_names_it_and_the_first_two_are_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stream.yaml"
    # each document is 10 lines: the third starts at line 21, its "   bad: y" is line 26, and
    # the ':' after the over-indented key is column 7
    broken = POD.format(i=3).replace("metadata:", "metadata:\n  name: x\n   bad: y\nx:")
    path.write_text(POD.format(i=1) + POD.format(i=2) + broken)
    assert main(["analyze", "--file", str(path), "-o", "json"]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"kube-devops: error: {path}#3: malformed YAML at line 26, column 7: mapping values are "
        "not allowed in this context; fix the syntax (2 document(s) or List item(s) before it "
        "were analysed, the rest of this file was not)"
    ]
    assert json.loads(out)["cluster"] == {"score": 100, "class": "Healthy", "pods": 2}


def test_a_file_that_is_not_utf8_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.yaml"
    # "\xe9" (a UTF-8 lead byte) is byte 118: 4 + 15 + 10 + 40 + 6 + 14 + 14 bytes of lines,
    # then "    image: ngin" (15); the ':' after it, byte 119, is not a trailing byte
    path.write_bytes(POD.format(i=1).replace("nginx", "ngin\xe9").encode("latin-1"))
    assert main(["analyze", "--file", str(path)]) == 2
    assert capsys.readouterr() == (
        "",
        f"kube-devops: error: {path}: not UTF-8 text (byte 119: invalid trailing UTF-8 octet); "
        "save the file as UTF-8 (nothing in this file was analysed)\n",
    )


def test_utf16_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(POD.format(i=1).encode("utf-16"))
    assert main(["analyze", "--file", str(path), "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cluster"]["pods"] == 1


def _as_list(documents: str) -> str:
    """The documents as one List, indented as ``kubectl get -o yaml`` writes it."""
    items = []
    for document in documents.split("---\n")[1:]:
        first, *rest = document.splitlines()
        items.append(f"- {first}\n" + "".join(f"  {line}\n" for line in rest))
    return "apiVersion: v1\nitems:\n" + "".join(items) + "kind: List\nmetadata: {}\n"


def test_a_list_is_read_item_by_item() -> None:
    text = _as_list("".join(POD.format(i=i) for i in range(5000))).encode()
    stdin = _CountingStream(text)
    documents = file_documents(["-"], [], stdin)
    label, first = next(documents)
    assert (label, first["metadata"]["name"]) == ("<stdin>#1 items[0]", "web-0")  # type: ignore[index]
    assert len(text) > 1_000_000
    assert stdin.handed_out < 100_000
    rest = list(documents)
    assert len(rest) == 4999
    assert rest[-1][0] == "<stdin>#1 items[4999]"


def test_a_list_scores_as_its_items_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    samples = Path(__file__).parents[3] / "kube-tests" / "sample-workloads.yaml"
    listed = tmp_path / "list.yaml"
    listed.write_text(_as_list(samples.read_text()))
    assert main(["analyze", "--file", str(listed), "-o", "json"]) == 0
    # the 10 sample pods, pooled score 94 (worked out in test_cli_analyze.py)
    assert json.loads(capsys.readouterr().out)["cluster"] == {
        "score": 94,
        "class": "Healthy",
        "pods": 10,
    }


def test_an_error_inside_a_list_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "list.yaml"
    broken = POD.format(i=2).replace("kind: Pod", "kind: Pod\n  bad: [x")
    path.write_text(_as_list(POD.format(i=1) + broken))
    assert main(["analyze", "--file", str(path), "-o", "json"]) == 2
    out, err = capsys.readouterr()
    # lines 1-2 are the List's head, 3-11 the first item (9 lines), then "- apiVersion: v1",
    # "  kind: Pod" and, line 14, "    bad: [x": a key indented under a scalar, its ':' column 8
    assert err.splitlines() == [
        f"kube-devops: error: {path}#1: malformed YAML at line 14, column 8: mapping values are "
        "not allowed in this context; fix the syntax (1 document(s) or List item(s) before it "
        "were analysed, the rest of this file was not)"
    ]
    # the first item was scored before the error
    assert json.loads(out)["cluster"] == {"score": 100, "class": "Healthy", "pods": 1}


def test_the_item_loader_is_libyamls_parser_under_pyyamls_composer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from yaml.composer import Composer
    from yaml.cyaml import CSafeLoader

    from kube_devops.cli.analyze_items import item_loader

    loader = item_loader()
    assert issubclass(loader, Composer)
    assert CSafeLoader.__mro__[1] in loader.__mro__  # libyaml's CParser
    monkeypatch.delattr(yaml, "CSafeLoader")
    assert item_loader() is yaml.SafeLoader


def test_a_json_list_is_decoded_item_by_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = Path(__file__).parents[3] / "kube-tests" / "sample-workloads.yaml"
    items = [d for d in yaml.safe_load_all(samples.read_text()) if d]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps({"apiVersion": "v1", "items": items, "kind": "List"}, indent=4))
    labels = [label for label, _ in file_documents([str(listed)], [], io.StringIO())]
    assert labels == [f"{listed}#1 items[{i}]" for i in range(len(items))]
    assert main(["analyze", "--file", str(listed), "-o", "json"]) == 0
    # the 10 sample pods, pooled score 94 (worked out in test_cli_analyze.py)
    assert json.loads(capsys.readouterr().out)["cluster"]["score"] == 94


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{"kind": "List", "items": [{"a": 1}, {"b": [1, 2]}], "metadata": {}}',
         [(1, 0, {"a": 1}), (1, 1, {"b": [1, 2]})]),
        ('{"kind": "List", "items": []}', [(1, None, {"kind": "List", "items": []})]),
        ('{"items": [1], "kind": "Foo"}', [(1, 0, 1), (1, None, {"items": [], "kind": "Foo"})]),
        ('[{"a": 1}, 2, "x"]', [(1, None, {"a": 1}), (2, None, 2), (3, None, "x")]),
        ("[]", []),
        (" {} ", [(1, None, {})]),
        ('"text"', [(1, None, "text")]),
    ],
)  # fmt: skip
def test_json_values_piece_by_piece(text: str, found: list[tuple[object, ...]]) -> None:
    from kube_devops.cli.analyze_json import json_parts

    assert [tuple(part) for part in json_parts(text)] == found


@pytest.mark.parametrize(
    ("text", "index", "error"),
    [
        ('{"a": 1,}', 1, "line 1, column 9: Expecting property name enclosed in double quotes"),
        ("{1: 2}", 1, "line 1, column 2: Expecting property name enclosed in double quotes"),
        ('{"a" 1}', 1, "line 1, column 6: Expecting ':' delimiter"),
        ('{"a": 1} x', 1, "line 1, column 10: Extra data"),
        ("[1 2]", 2, "line 1, column 4: Expecting ',' delimiter"),
        ('{"items": [1,\n {]}', 1, "line 2, column 3: Expecting property name enclosed in double "
         "quotes"),
    ],
)  # fmt: skip
def test_json_syntax_errors_as_json_loads_reports_them(text: str, index: int, error: str) -> None:
    from kube_devops.cli.analyze_json import json_parts
    from kube_devops.cli.analyze_stream import StreamError

    with pytest.raises(StreamError) as raised:
        list(json_parts(text))
    assert raised.value.index == index
    assert str(raised.value) == f"malformed JSON at {error}; fix the syntax"
