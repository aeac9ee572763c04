"""Live ``analyze`` and ``crd install`` against the emulated API server (official client path)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kube_devops.cli.main import main
from kube_devops.core.checks import CheckId, Severity
from kube_devops.core.policy import PolicySpec, policy_object
from kube_devops.manifests.crd import devopspolicy_crd
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import as_json

PROBES = {
    "livenessProbe": {"tcpSocket": {"port": 80}},
    "readinessProbe": {"tcpSocket": {"port": 80}},
}


READY_EXEC = {"exec": {"command": ["redis-cli", "ping"]}}
IMAGES_ONLY = PolicySpec(
    forbid_latest_tag=True, severity_overrides=((CheckId.LATEST_TAG, Severity.CRITICAL),)
)


def _pod(
    ns: str, name: str, containers: list[dict[str, Any]], status: dict[str, Any]
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"containers": containers},
        "status": status,
    }


def _seed_cluster(emu: KubeEmulator) -> None:
    running = {"phase": "Running"}
    pods = [
        _pod("production", "web-1", [{"name": "web", "image": "nginx:1.27.0", **PROBES}], running),
        _pod(
            "production", "worker-1", [{"name": "w", "image": "shop/worker:2.0", **PROBES}],
            {"phase": "Running", "containerStatuses": [{"name": "w", "restartCount": 6}]},
        ),
        _pod("dev", "scratch", [{"name": "py", "image": "python:LATEST"}], running),
        _pod("dev", "job-x", [{"name": "j", "image": "migrate"}], {"phase": "Succeeded"}),
        _pod("kube-system", "coredns", [{"name": "dns", "image": "coredns"}], running),
        _pod(
            "staging", "cache",
            [{"name": "redis", "image": "redis:latest", "readinessProbe": READY_EXEC}],
            running,
        ),
    ]  # fmt: skip
    for pod in pods:
        emu.thread.seed("v1/pods", pod)
    emu.thread.seed(
        "devops.stochastic.io/v1/devopspolicies",
        as_json(policy_object("images-only", "staging", IMAGES_ONLY)),
    )


def test_live_analyze(kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    _seed_cluster(kube_emulator)
    code = main(["analyze", "--kubeconfig", str(kube_emulator.kubeconfig), "-o", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    data = json.loads(out)
    # production: worker-1 restarts 6 > 3 -> 5 units x 6 = 30, 2 pods -> 100 - 15 = 85
    # dev: scratch 5+3+2 = 10 (job-x Succeeded is not scored) -> 90
    # staging (policy: latest tag only): cache 5 -> 95; kube-system excluded
    # cluster pooled: 4 pods, raw 45 -> 100 - 11 = 89
    assert data["cluster"] == {"score": 89, "class": "Healthy", "pods": 4}
    scores = [(n["namespace"], n["pods"], n["score"]) for n in data["namespaces"]]
    assert scores == [("dev", 1, 90), ("production", 2, 85), ("staging", 1, 95)]
    staging = [(f["check"], f["severity"]) for f in data["findings"] if f["namespace"] == "staging"]
    assert staging == [("latest_tag", "critical")]


def test_live_analyze_context_flag_and_min_score(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_cluster(kube_emulator)
    argv = ["analyze", "--kubeconfig", str(kube_emulator.kubeconfig), "--context", "kmock"]
    assert main([*argv, "--min-score", "90"]) == 3
    assert "cluster score 89 is below --min-score 90" in capsys.readouterr().err


def test_live_analyze_honours_kubeconfig_env(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(kube_emulator.kubeconfig))
    kube_emulator.thread.seed(
        "v1/pods", _pod("dev", "bare", [{"name": "a", "image": "nginx"}], {"phase": "Running"})
    )
    assert main(["analyze", "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cluster"] == {
        "score": 90,
        "class": "Healthy",
        "pods": 1,
    }


def test_live_invalid_policy_is_named_and_exit_2(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    kube_emulator.thread.seed(
        "devops.stochastic.io/v1/devopspolicies",
        {
            "apiVersion": "devops.stochastic.io/v1",
            "kind": "DevOpsPolicy",
            "metadata": {"name": "typo", "namespace": "staging"},
            "spec": {"enforcementMode": "enforcing"},
        },
    )
    assert main(["analyze", "--kubeconfig", str(kube_emulator.kubeconfig)]) == 2
    assert capsys.readouterr().err == (
        "kube-devops: error: cluster (DevOpsPolicy/staging/typo): spec.enforcementMode: "
        "'enforcing' is not allowed; use one of: audit, enforce\n"
    )


@pytest.mark.parametrize(
    ("scope", "line"),
    [
        ([], "no object in the cluster; check --kubeconfig/--context"),
        (["-n", "empty"], "no object in namespace empty in the cluster; check -n"),
    ],
)
def test_live_analyze_without_pods_is_no_score(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str], scope: list[str], line: str
) -> None:
    argv = ["analyze", "--kubeconfig", str(kube_emulator.kubeconfig), "--min-score", "90"]
    assert main([*argv, *scope]) == 2
    assert capsys.readouterr() == ("", f"kube-devops: error: nothing to score: {line}\n")


def test_crd_install_creates_then_updates(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["crd", "install", "--kubeconfig", str(kube_emulator.kubeconfig)]
    name = "devopspolicies.devops.stochastic.io"
    assert main(argv) == 0
    assert capsys.readouterr().out == f"CRD '{name}' created\n"
    assert main(argv) == 0
    assert capsys.readouterr().out == f"CRD '{name}' unchanged\n"
    # an older CRD without printer columns and short names is brought up to date
    old = kube_emulator.apiext.read_custom_resource_definition(name)
    old.spec.versions[0].additional_printer_columns = None
    old.spec.names.short_names = None
    kube_emulator.apiext.replace_custom_resource_definition(name, old)
    assert main(argv) == 0
    assert capsys.readouterr().out == f"CRD '{name}' updated\n"
    (stored,) = kube_emulator.thread.objects("apiextensions.k8s.io/v1/customresourcedefinitions")
    assert stored["spec"]["names"]["shortNames"] == ["dop"]
    expected = devopspolicy_crd()["spec"]["versions"][0]["additionalPrinterColumns"]
    assert stored["spec"]["versions"][0]["additionalPrinterColumns"] == expected


def test_cluster_commands_with_a_missing_kubeconfig(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "absent")
    assert main(["crd", "install", "--kubeconfig", missing]) == 1
    assert main(["analyze", "--kubeconfig", missing]) == 1
    err = capsys.readouterr().err.splitlines()
    assert all(f"kubeconfig {missing!r} does not exist" in line for line in err)
    assert len(err) == 2


def test_live_analyze_names_the_excluded_system_namespace(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_cluster(kube_emulator)
    assert main(["analyze", "--kubeconfig", str(kube_emulator.kubeconfig), "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["excluded_namespaces"] == [
        {
            "namespace": "kube-system",
            "reason": "system namespace (matches 'kube-*'; change with --system-namespaces)",
        }
    ]


def test_live_analyze_one_namespace(
    kube_emulator: KubeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_cluster(kube_emulator)
    argv = ["analyze", "--kubeconfig", str(kube_emulator.kubeconfig), "-n", "staging", "-o", "json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    # staging alone, its policy applied (latest tag only): cache 5 -> 95
    assert data["cluster"] == {"score": 95, "class": "Healthy", "pods": 1}
    assert [(f["check"], f["severity"]) for f in data["findings"]] == [("latest_tag", "critical")]
