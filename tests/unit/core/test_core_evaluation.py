"""Pod evaluation against hand-written cases in pod_cases.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.core.checks import CheckId
from kube_devops.core.evaluation import creation_epoch, evaluate_pod
from kube_devops.core.namespaces import NO_SYSTEM_NAMESPACES
from kube_devops.core.policy import DEFAULT_POLICY, PolicySpec

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "pod_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_pod_case(case: dict[str, Any]) -> None:
    policy = DEFAULT_POLICY
    if "policy" in case:
        policy = PolicySpec.from_dict(case["policy"], where="case")
    result = evaluate_pod(case["pod"], policy, now=case["now"])
    assert result.scored is case["scored"]
    assert list(result.units) == case["units"]
    got = [[str(f.check), f.container, f.severity.value] for f in result.findings]
    assert got == case["findings"]
    assert sum(f.units for f in result.findings) == sum(case["units"])


def test_reference_example_raw_is_44() -> None:
    worst = next(c for c in CASES if c["name"].startswith("every violation"))
    assert evaluate_pod(worst["pod"], now=worst["now"]).raw == 44


def test_system_namespace_scored_when_rules_are_empty() -> None:
    pod = {"metadata": {"name": "dns", "namespace": "kube-system"}, "spec": {"containers": []}}
    result = evaluate_pod(pod, now=0, namespaces=NO_SYSTEM_NAMESPACES)
    assert result.scored is True
    assert result.key == "kube-system/dns"


def test_messages_name_container_and_fix() -> None:
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}
    messages = [f.message for f in evaluate_pod(pod, now=0).findings]
    assert messages[0] == (
        "container web: image 'nginx' is not pinned (no tag or tag 'latest'); "
        "pin a version tag or a digest"
    )
    assert messages[1] == "container web: no livenessProbe; add one"


def test_pending_message_states_age_and_threshold() -> None:
    pod = {
        "metadata": {"name": "p", "creationTimestamp": "2023-11-14T22:13:20Z"},
        "spec": {},
        "status": {"phase": "Pending"},
    }
    (finding,) = evaluate_pod(pod, now=1_700_000_400).findings
    assert finding.check is CheckId.PENDING
    assert finding.message.startswith("pod Pending for 400s (threshold 300s)")


def test_pending_without_creation_timestamp_is_not_flagged() -> None:
    pod = {"metadata": {"name": "p"}, "spec": {}, "status": {"phase": "Pending"}}
    assert evaluate_pod(pod, now=1e12).units == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("stamp", "epoch"),
    [
        ("2023-11-14T22:13:20Z", 1_700_000_000.0),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000.0),
        ("1970-01-01T00:00:10", 10.0),
        ("yesterday", None),
        (None, None),
        (17, None),
    ],
)
def test_creation_epoch(stamp: object, epoch: float | None) -> None:
    assert creation_epoch(stamp) == epoch
