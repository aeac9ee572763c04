"""Sandbox teardown: a part that fails to stop never keeps the rest running or the directory."""

from __future__ import annotations

from typing import Any, cast

from kube_devops.sandbox.api import EmulatedApi
from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.settings import SandboxSettings


class _HangingApi:
    """An emulated API whose server outlives the stop timeout."""

    def __init__(self) -> None:
        self.stops = 0

    def stop(self) -> None:
        self.stops += 1
        raise TimeoutError


def test_stop_removes_the_directory_when_the_api_times_out() -> None:
    sandbox = Sandbox(SandboxSettings(base_port=0))
    (sandbox.workdir / "prometheus.yml").write_text("global: {}\n")
    api = _HangingApi()
    sandbox._parts.api = cast(EmulatedApi, cast(Any, api))
    sandbox.stop()
    assert not sandbox.workdir.exists()
    assert api.stops == 1
    sandbox.stop()  # a second stop (atexit) finds nothing left to stop
    assert api.stops == 1
