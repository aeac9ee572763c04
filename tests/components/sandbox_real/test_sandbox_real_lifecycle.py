"""The real control plane and ``kube-devops sandbox --api real``: start, identities, the state
file, the flaky-* admission policy, and a SIGTERM that leaves no process or directory behind.

Needs the control plane built (``bash scripts/build-control-plane.sh``, run by the set-up); when
it is missing these tests fail and say so.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from kube_devops.sandbox.real.binaries import Binaries, NotBuiltError, find_binaries
from kube_devops.sandbox.real.controlplane import ControlPlaneSettings, RealControlPlane
from tests.support.ports import free_block
from tests.support.waiting import wait_until

OUR_ACCOUNT = "system:serviceaccount:kube-devops:kube-devops"


@pytest.fixture(scope="module")
def binaries() -> Binaries:
    try:
        return find_binaries()
    except NotBuiltError as err:
        pytest.fail(str(err), pytrace=False)


def kubectl(
    binaries: Binaries, kubeconfig: str | Path, *args: str
) -> subprocess.CompletedProcess[str]:
    argv = [str(binaries.kubectl), "--kubeconfig", str(kubeconfig), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def processes_mentioning(text: str) -> list[str]:
    """Command lines of running processes that contain ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(cmdline)
    return found


def test_control_plane_serves_the_pinned_release_and_stops(
    binaries: Binaries, tmp_path: Path
) -> None:
    plane = RealControlPlane(ControlPlaneSettings(tmp_path))
    with plane as info:
        version = json.loads(
            kubectl(binaries, info.admin_kubeconfig, "version", "-o", "json").stdout
        )
        whoami = kubectl(binaries, info.admin_kubeconfig, "auth", "whoami", "-o", "json")
        programs = list(plane.programs.values())
        port = int(info.server.rsplit(":", 1)[1])
    assert version["serverVersion"]["gitVersion"] == "v1.37.2"
    assert version["clientVersion"]["gitVersion"] == "v1.37.2"
    assert "system:masters" in json.loads(whoami.stdout)["status"]["userInfo"]["groups"]
    assert sorted(p.name for p in programs) == ["etcd", "kube-apiserver", "kube-controller-manager"]
    assert all(p.process.poll() is not None for p in programs)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def etcd_range(etcd_url: str, revision: int) -> tuple[int, dict[str, Any]]:
    """``POST /v3/kv/range`` of one key at ``revision``: HTTP status and JSON answer."""
    body = json.dumps({"key": "AA==", "revision": revision}).encode()
    request = urllib.request.Request(f"{etcd_url}/v3/kv/range", body)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_compaction_and_api_server_restart(binaries: Binaries, tmp_path: Path) -> None:
    plane = RealControlPlane(ControlPlaneSettings(tmp_path))
    with plane as info:
        made = kubectl(
            binaries, info.admin_kubeconfig, "create", "configmap", "kept", "-n", "default"
        )
        assert made.returncode == 0, made.stderr
        revision = plane.compact_etcd()
        status, older = etcd_range(info.etcd_url, revision - 1)
        plane.restart_apiserver()
        after = kubectl(binaries, info.admin_kubeconfig, "get", "configmap", "kept", "-o", "name")
    assert status == 400
    assert "required revision has been compacted" in older["message"]
    assert after.stdout.strip() == "configmap/kept"


@dataclass
class RunningSandbox:
    process: subprocess.Popen[str]
    state: dict[str, Any]
    state_file: Path
    base_port: int


@pytest.fixture(scope="module")
def real_sandbox(
    binaries: Binaries, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningSandbox]:
    folder = tmp_path_factory.mktemp("sandbox")
    state_file, log_path = folder / "state.json", folder / "sandbox.log"
    base = free_block()
    argv = [
        sys.executable,
        "-m",
        "kube_devops",
        "sandbox",
        "--api",
        "real",
        "--base-port",
        str(base),
    ]
    argv += ["--duration", "600", "--state-file", str(state_file)]
    with log_path.open("w") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(
            lambda: state_file.exists() or process.poll() is not None,
            120,
            "the state file or the sandbox's exit",
            every=0.2,
        )
        assert state_file.exists(), f"no state file; the sandbox said:\n{log_path.read_text()}"
        yield RunningSandbox(process, json.loads(state_file.read_text()), state_file, base)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_state_file_names_the_real_api(real_sandbox: RunningSandbox, binaries: Binaries) -> None:
    state = real_sandbox.state
    assert state["api"] == "real"
    assert sorted(state["endpoints"]) == ["reconcile", "watch", "webhook"]
    assert state["etcd_url"].startswith("http://127.0.0.1:")
    assert state["kubectl"] == str(binaries.kubectl)
    assert Path(state["kubeconfig"]).parent == Path(state["components_kubeconfig"]).parent
    names = kubectl(binaries, state["kubeconfig"], "get", "dop", "-A", "-o", "name").stdout.split()
    assert sorted(names) == [
        "devopspolicy.devops.stochastic.io/default-policy",
        "devopspolicy.devops.stochastic.io/enforce-policy",
        "devopspolicy.devops.stochastic.io/flaky-policy",
    ]


def test_base_port_places_every_port(real_sandbox: RunningSandbox) -> None:
    state, base = real_sandbox.state, real_sandbox.base_port
    kubeconfig = yaml.safe_load(Path(state["kubeconfig"]).read_text())
    assert urlsplit(state["prometheus_url"]).port == base + 3
    assert urlsplit(kubeconfig["clusters"][0]["cluster"]["server"]).port == base + 4
    assert urlsplit(state["etcd_url"]).port == base + 5
    components = sorted(urlsplit(url).port for url in state["endpoints"].values())
    assert components == [base, base + 1, base + 2]


def test_components_run_as_our_service_account_with_our_rbac(
    real_sandbox: RunningSandbox, binaries: Binaries
) -> None:
    config = real_sandbox.state["components_kubeconfig"]
    who = kubectl(binaries, config, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
    assert who.stdout == OUR_ACCOUNT
    assert kubectl(binaries, config, "auth", "can-i", "watch", "pods", "-A").stdout.strip() == "yes"
    assert (
        kubectl(binaries, config, "auth", "can-i", "create", "pods", "-n", "dev").stdout.strip()
        == "no"
    )
    assert kubectl(binaries, config, "auth", "can-i", "get", "secrets", "-A").stdout.strip() == "no"


def test_updates_of_flaky_objects_are_refused_by_admission(
    real_sandbox: RunningSandbox, binaries: Binaries
) -> None:
    config = real_sandbox.state["components_kubeconfig"]
    refused = kubectl(binaries, config, "annotate", "dop", "flaky-policy", "-n", "dev", "probe=1")
    assert refused.returncode == 1
    assert "kube-devops-sandbox-flaky-writes" in refused.stderr
    assert "updates of flaky-* objects are refused" in refused.stderr
    allowed = kubectl(
        binaries, config, "annotate", "dop", "default-policy", "-n", "production", "probe=1"
    )
    assert allowed.returncode == 0, allowed.stderr


def test_sigterm_stops_everything_and_removes_the_state(real_sandbox: RunningSandbox) -> None:
    workdir = str(Path(real_sandbox.state["kubeconfig"]).parent)
    assert len(processes_mentioning(workdir)) == 7  # etcd, apiserver, KCM, 3 components, Prometheus
    real_sandbox.process.send_signal(signal.SIGTERM)
    assert real_sandbox.process.wait(60) == 0
    assert not real_sandbox.state_file.exists()
    assert not os.path.exists(workdir)
    assert processes_mentioning(workdir) == []


def test_missing_build_fails_in_one_line_naming_the_build_script(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "kube_devops", "sandbox", "--api", "real", "--duration", "1"]
    env = {**os.environ, "KUBE_DEVOPS_CACHE": str(tmp_path)}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "run `bash scripts/build-control-plane.sh` once" in done.stderr
    assert str(tmp_path / "control-plane" / "v1.37.2") in done.stderr
