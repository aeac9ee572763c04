"""Session fixtures of the end-to-end tier on the real control plane.

- ``real_sandbox``: ONE ``kube-devops sandbox --api real`` for the session (etcd,
  kube-apiserver, kube-controller-manager, the node simulator, the three components, Prometheus,
  traffic); tests work in fresh namespaces of it.
- ``spare_plane``: a second, bare control plane with the node simulator and our CRD, for tests
  that start their own components or disrupt the API server (restart, etcd compaction) without
  touching the shared sandbox. Tests marked ``disrupts_api`` run last.

When the control plane is not built, every test here FAILS saying how to build it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.real.binaries import Binaries, NotBuiltError, find_binaries
from kube_devops.sandbox.real.controlplane import (
    ControlPlane,
    ControlPlaneSettings,
    RealControlPlane,
)
from kube_devops.sandbox.real.nodes import NodeSimulator, NodeSimulatorSettings
from kube_devops.sandbox.settings import SandboxSettings
from tests.e2e_real.real_support import Kubectl
from tests.support.waiting import wait_until

DISRUPTS_API = "disrupts_api"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{DISRUPTS_API}: restarts or compacts the spare control plane; runs last"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker(DISRUPTS_API) is not None)


@pytest.fixture(scope="session")
def binaries() -> Binaries:
    """The built control plane; the test fails (never skips) when it is not built."""
    try:
        return find_binaries()
    except NotBuiltError as err:
        pytest.fail(f"{err}. Build it with: bash scripts/build-control-plane.sh", pytrace=False)


@pytest.fixture(scope="session")
def real_sandbox(binaries: Binaries) -> Iterator[Sandbox]:
    """The shared real sandbox (started once)."""
    sandbox = Sandbox(SandboxSettings(api="real", base_port=0, binaries_dir=binaries.etcd.parent))
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="session")
def admin(real_sandbox: Sandbox) -> Kubectl:
    """The pinned kubectl as the sandbox's administrator."""
    state = real_sandbox.state
    assert state is not None
    assert state.kubectl is not None, "the real sandbox's state names its kubectl"
    return Kubectl(Path(state.kubectl), Path(state.kubeconfig))


@dataclass
class SparePlane:
    """A bare control plane with simulated nodes and the DevOpsPolicy CRD."""

    plane: RealControlPlane
    info: ControlPlane
    kubectl: Kubectl
    simulator: NodeSimulator


@pytest.fixture(scope="session")
def spare_plane(binaries: Binaries) -> Iterator[SparePlane]:
    """Started once; stopped (programs and simulator) at the end of the session."""
    workdir = Path(tempfile.mkdtemp(prefix="kube-devops-e2e-real-"))
    plane = RealControlPlane(ControlPlaneSettings(workdir, binaries_dir=binaries.etcd.parent))
    info = plane.start()
    try:
        kubectl = Kubectl(binaries.kubectl, info.admin_kubeconfig)
        crd = subprocess.run(
            [sys.executable, "-m", "kube_devops", "crd", "generate"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        kubectl.run("apply", "--server-side", "-f", "-", stdin=crd)
        kubectl.run(
            "wait", "--for=condition=Established", "crd/devopspolicies.devops.stochastic.io"
        )
        simulator = NodeSimulator(NodeSimulatorSettings(info.admin_kubeconfig, crash_period=2.0))
        simulator.start()
        try:
            yield SparePlane(plane, info, kubectl, simulator)
        finally:
            simulator.stop()
            assert not simulator.running
    finally:
        programs = [program.process for program in plane.programs.values()]
        plane.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        assert [p.poll() is not None for p in programs] == [True] * len(programs)


@pytest.fixture
def spare_admin(spare_plane: SparePlane) -> Kubectl:
    """kubectl as the spare plane's administrator."""
    wait_until(lambda: spare_plane.simulator.running, 1, "node simulator running", every=0.25)
    return spare_plane.kubectl
