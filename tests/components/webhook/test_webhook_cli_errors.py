"""``kube-devops webhook serve`` without a usable kubeconfig: one line, exit 2, no traceback;
its connection-limit flags default to ``ServeSettings``'s values."""

from __future__ import annotations

from pathlib import Path

import pytest

from kube_devops.cli.main import build_parser, main
from kube_devops.runtime.settings import ServeSettings
from tests.components.webhook.webhook_support import make_certs


def _serve(tmp: Path, *extra: str) -> list[str]:
    return ["webhook", "serve", "--addr", "127.0.0.1:0", "--tls-cert", str(tmp / "tls.crt"),
            "--tls-key", str(tmp / "tls.key"), *extra]  # fmt: skip


@pytest.fixture
def no_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No $KUBECONFIG, an empty home, not in a cluster; TLS files in ``tmp_path``."""
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    make_certs(tmp_path)
    return tmp_path


def test_no_kubeconfig_is_one_line_and_exit_2(
    no_cluster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(_serve(no_cluster))

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("kube-devops: error: no kubeconfig found (--kubeconfig, $KUBECONFIG,")
    assert err.endswith("; pass --kubeconfig PATH\n")
    assert err.count("\n") == 1


@pytest.mark.parametrize("name", ["missing", "tls.crt"])
def test_a_kubeconfig_that_is_missing_or_not_a_kubeconfig_is_one_line_and_exit_2(
    name: str, no_cluster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = no_cluster / name
    code = main(_serve(no_cluster, "--kubeconfig", str(path)))

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"kube-devops: error: kubeconfig '{path}' ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_limit_flags_default_to_the_serve_settings() -> None:
    args = build_parser().parse_args(["webhook", "serve"])
    defaults = ServeSettings()

    assert (args.handshake_timeout, args.header_timeout, args.body_timeout, args.idle_timeout) == (
        10, 10, 30, 60
    )  # fmt: skip
    assert args.max_connections == 1000
    assert (
        defaults.handshake_timeout, defaults.header_timeout, defaults.body_timeout,
        defaults.idle_timeout, defaults.max_connections,
    ) == (10, 10, 30, 60, 1000)  # fmt: skip


def test_limit_flags_parse_and_reject_nonsense(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    args = parser.parse_args(["webhook", "serve", "--idle-timeout", "5", "--max-connections", "7"])
    with pytest.raises(SystemExit) as bad:
        parser.parse_args(["webhook", "serve", "--header-timeout", "0"])

    assert (args.idle_timeout, args.max_connections) == (5.0, 7)
    assert bad.value.code == 2
    assert "'0' is not a positive number of seconds" in capsys.readouterr().err
