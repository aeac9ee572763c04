"""kube-tests/ matches the generator, and the CLI verbs print what they promise."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kube_devops.cli.main import main
from kube_devops.manifests.reference import reference_files
from kube_devops.manifests.render import load_all
from tests.unit.manifests.manifest_helpers import KUBE_TESTS

SEED_FILES = [
    "service-watch.yaml", "service-reconcile.yaml", "service-webhook.yaml",
    "servicemonitor-watch.yaml", "servicemonitor-reconcile.yaml", "servicemonitor-webhook.yaml",
    "grafana-dashboard-configmap.yaml",
]  # fmt: skip


def test_reference_files_are_up_to_date() -> None:
    files = reference_files()
    assert set(SEED_FILES) <= set(files)
    assert len(files) == 12
    stale = [
        name
        for name, text in files.items()
        if not (KUBE_TESTS / name).is_file()
        or (KUBE_TESTS / name).read_text(encoding="utf-8") != text
    ]
    assert stale == [], "run: kube-devops observability write-reference --output-dir kube-tests"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_generate_all_prints_observability_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "observability", "generate-all")
    assert code == 0
    kinds = [(d["kind"], d["metadata"]["name"]) for d in load_all(out)]
    assert kinds == [
        ("Service", "kube-devops-watch"),
        ("Service", "kube-devops-reconcile"),
        ("Service", "kube-devops-webhook"),
        ("ServiceMonitor", "kube-devops-watch"),
        ("ServiceMonitor", "kube-devops-reconcile"),
        ("ServiceMonitor", "kube-devops-webhook"),
        ("ConfigMap", "kube-devops-grafana-dashboard"),
        ("PrometheusRule", "kube-devops-alerts"),
    ]
    assert out.startswith("---\n")


@pytest.mark.parametrize(
    ("verb", "kinds"),
    [
        ("generate-services", ["Service"] * 3),
        ("generate-service-monitors", ["ServiceMonitor"] * 3),
        ("generate-dashboard", ["ConfigMap"]),
        ("generate-alerts", ["PrometheusRule"]),
    ],
)
def test_single_verbs(capsys: pytest.CaptureFixture[str], verb: str, kinds: list[str]) -> None:
    code, out, _ = _run(capsys, "observability", verb)
    assert code == 0
    assert [d["kind"] for d in load_all(out)] == kinds


def test_flags_reach_the_manifests(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--namespace", "mon", "--release-label", "prom", "--interval", "30s"]
    _, out, _ = _run(capsys, "observability", "generate-service-monitors", *argv)
    monitor = load_all(out)[2]
    assert monitor["metadata"]["namespace"] == "mon"
    assert monitor["metadata"]["labels"]["release"] == "prom"
    assert monitor["spec"]["endpoints"][0]["interval"] == "30s"


def test_bad_interval_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "observability", "generate-all", "--interval", "15 seconds")
    assert code == 2
    assert out == ""
    assert "--interval '15 seconds' is not a Prometheus duration" in err


def test_write_reference_then_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "observability", "write-reference", "--output-dir", str(tmp_path))
    assert code == 0
    assert len(out.splitlines()) == 12
    assert _run(capsys, "observability", "write-reference", "--output-dir", str(tmp_path),
                "--check")[0] == 0  # fmt: skip
    (tmp_path / "rbac.yaml").write_text("edited\n", encoding="utf-8")
    code, out, _ = _run(
        capsys, "observability", "write-reference", "--output-dir", str(tmp_path), "--check"
    )
    assert code == 1
    assert out == f"{tmp_path / 'rbac.yaml'}: differs\n"
    assert (tmp_path / "rbac.yaml").read_text(encoding="utf-8") == "edited\n"


def test_deploy_generate_all(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    code, out, err = _run(capsys, "deploy", "generate-all", "--ca-bundle-path", str(ca))
    assert code == 0
    assert err == ""
    docs = load_all(out)
    assert [d["kind"] for d in docs] == [
        "CustomResourceDefinition", "Namespace", "ServiceAccount",
        "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
        "Deployment", "Deployment", "Deployment",
        "PodDisruptionBudget", "PodDisruptionBudget", "PodDisruptionBudget",
        "ValidatingWebhookConfiguration",
    ]  # fmt: skip
    bundle = docs[-1]["webhooks"][0]["clientConfig"]["caBundle"]
    assert base64.b64decode(bundle) == ca.read_bytes()


def test_deploy_missing_ca_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.crt"
    code, out, err = _run(capsys, "deploy", "generate-all", "--ca-bundle-path", str(missing))
    assert code == 2
    assert out == ""
    assert f"--ca-bundle-path {missing}: No such file or directory" in err


@pytest.mark.parametrize(("verb", "count"), [("generate-rbac", 6), ("generate-deployments", 6)])
def test_deploy_single_verbs(capsys: pytest.CaptureFixture[str], verb: str, count: int) -> None:
    code, out, _ = _run(capsys, "deploy", verb, "--replicas", "3", "--image", "kd:9")
    assert code == 0
    assert len(load_all(out)) == count


def test_deploy_rejects_zero_replicas(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "deploy", "generate-deployments", "--replicas", "0")
    assert code == 2
    assert "--replicas 0 must be at least 1" in err
