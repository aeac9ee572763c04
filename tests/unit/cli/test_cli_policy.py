"""``kube-devops policy bundle-*`` output."""

from __future__ import annotations

import pytest
import yaml

from kube_devops.cli.main import main


def test_bundle_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "bundle-list"]) == 0
    rows = [line.split()[:2] for line in capsys.readouterr().out.splitlines()]
    assert rows == [
        ["NAME", "MODE"],
        ["baseline", "audit"],
        ["restricted", "enforce"],
        ["permissive", "audit"],
    ]


def test_bundle_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "bundle-show", "baseline"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# baseline: pinned images and readiness probes, audit only\n")
    assert yaml.safe_load(out) == {
        "spec": {
            "forbidLatestTag": True,
            "requireReadinessProbe": True,
            "enforcementMode": "audit",
        }
    }


def test_bundle_apply(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["policy", "bundle-apply", "permissive", "-n", "team-a", "--policy-name", "relaxed"]
    assert main(argv) == 0
    assert yaml.safe_load(capsys.readouterr().out) == {
        "apiVersion": "devops.stochastic.io/v1",
        "kind": "DevOpsPolicy",
        "metadata": {
            "name": "relaxed",
            "namespace": "team-a",
            "labels": {
                "app.kubernetes.io/name": "kube-devops",
                "devops.stochastic.io/bundle": "permissive",
            },
        },
        "spec": {
            "forbidLatestTag": True,
            "requireLivenessProbe": True,
            "requireReadinessProbe": True,
            "maxRestartCount": 10,
            "forbidPendingDuration": 600,
            "enforcementMode": "audit",
            "severityOverrides": {
                "latestTag": "low",
                "missingLiveness": "low",
                "missingReadiness": "low",
                "highRestarts": "low",
                "pending": "low",
            },
        },
    }


def test_unknown_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "bundle-show", "strict"]) == 2
    assert capsys.readouterr().err == (
        "kube-devops: error: unknown policy bundle 'strict'; "
        "use one of: baseline, restricted, permissive\n"
    )
