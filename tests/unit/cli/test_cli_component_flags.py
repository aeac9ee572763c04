"""The three component verbs take the same flags, declared once; the webhook elects no leader."""

from __future__ import annotations

import pytest

from kube_devops.cli import reconcile, watch
from kube_devops.cli.main import build_parser
from kube_devops.runtime.settings import ClusterSettings, LeaseSettings

VERBS = {"watch": ["watch"], "reconcile": ["reconcile"], "webhook": ["webhook", "serve"]}
EVERY_COMPONENT = ["--log-level", "--kubeconfig", "--context"]
LEASE_FLAGS = ["--identity", "--lease-name", "--lease-namespace", "--lease-duration",
               "--no-leader-election"]  # fmt: skip


def _help(verb: list[str], capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch) -> str:
    mp.setenv("COLUMNS", "300")  # no wrapping: argparse breaks lines at hyphens
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*verb, "--help"])
    assert exit_info.value.code == 0
    return " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("name", ["watch", "reconcile", "webhook"])
def test_every_component_takes_the_common_flags(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help(VERBS[name], capsys, monkeypatch)
    for flag in EVERY_COMPONENT:
        assert flag in text, flag
    assert "DEBUG, INFO, WARNING or ERROR (default: INFO)" in text


@pytest.mark.parametrize("name", ["watch", "reconcile"])
def test_the_elected_components_take_the_lease_flags(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help(VERBS[name], capsys, monkeypatch)
    for flag in LEASE_FLAGS:
        assert flag in text, flag
    assert f"Lease (default: kube-devops-{name})" in text
    assert "act as the leader without a Lease (single replica only)" in text


def test_the_webhook_says_it_elects_no_leader(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help(VERBS["webhook"], capsys, monkeypatch)
    assert "No leader election: every replica answers admission requests" in text
    assert "so there is no Lease to configure" in text
    for flag in LEASE_FLAGS:
        assert flag not in text, flag


def test_reconcile_lease_flags_reach_its_settings() -> None:
    args = build_parser().parse_args(
        ["reconcile", "--identity", "pod-a", "--lease-name", "ops", "--lease-namespace", "tools",
         "--lease-duration", "30", "--no-leader-election", "--kubeconfig", "k.yaml",
         "--log-level", "debug"]
    )  # fmt: skip
    settings = reconcile.settings_from(args)
    assert settings.lease == LeaseSettings(
        enabled=False, name="ops", namespace="tools", identity="pod-a", duration=30.0,
        renew_period=5.0, retry_period=1.0,
    )  # fmt: skip
    assert settings.cluster == ClusterSettings(kubeconfig="k.yaml")
    assert args.log_level == "DEBUG"


def test_watch_defaults_elect_on_its_own_lease() -> None:
    settings = watch.settings_from(build_parser().parse_args(["watch"]))
    assert settings.lease == LeaseSettings(name="kube-devops-watch", namespace="kube-devops")
    assert settings.serve.port == 8080


def test_an_unknown_log_level_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["watch", "--log-level", "loud"])
    assert exit_info.value.code == 2
    assert "--log-level: invalid choice: 'LOUD'" in capsys.readouterr().err
