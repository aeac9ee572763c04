"""A component that exits while the sandbox waits for it is an error in one line naming its
exit code and its log's last line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kube_devops.core.catalog import Component
from kube_devops.sandbox.processes import ComponentProcess, wait_healthy

FAILING = "import sys; print('starting'); print('bind: address already in use'); sys.exit(1)"


def test_a_component_that_exits_is_named_with_its_last_log_line(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", FAILING]
    process = ComponentProcess(Component.WATCH, "http://127.0.0.1:1", argv, tmp_path / "watch.log")
    process.process.wait(20)
    with pytest.raises(RuntimeError) as caught:
        wait_healthy({Component.WATCH: process}, timeout=5)
    assert str(caught.value) == (
        "sandbox component watch exited with 1; its log (watch.log) ends with: "
        "bind: address already in use"
    )
