"""``--help`` of the cluster verbs states every default, so nobody has to read the code for it."""

from __future__ import annotations

import re

import pytest

from kube_devops.cli.main import build_parser


def _help(verb: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "300")  # no wrapping: argparse breaks lines at hyphens
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([verb, "--help"])
    assert exit_info.value.code == 0
    return " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("verb", "defaults"),
    [
        (
            "watch",
            ["0 = any free (default: 8080)", "(default: 0.0.0.0)",
             "Lease (default: kube-devops)", "Lease (default: kube-devops-watch)",
             "lease validity in seconds (default: 15)", "turns 503 (default: 30)",
             "each watch in seconds (default: 60)", "(default: INFO)"],
        ),
        (
            "reconcile",
            ["0 = any free (default: 9090)", "full re-evaluations (default: 30)",
             "Lease (default: kube-devops)", "(default: 0.0.0.0)"],
        ),
        ("check", ["Lease (default: kube-devops)"]),
        ("list", ["one namespace (default: all)",
                  "output format: table, json, yaml (default: table)"]),
    ],
)  # fmt: skip
def test_help_shows_the_defaults(
    verb: str,
    defaults: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _help(verb, capsys, monkeypatch)
    for default in defaults:
        assert default in text, default
    assert "(default: $KUBECONFIG)" in text
    assert not re.search(r"default: (None|False)\b", text)
