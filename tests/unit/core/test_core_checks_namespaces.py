"""The check table and the system-namespace rules."""

from __future__ import annotations

import pytest

from kube_devops.core.checks import CHECKS, OVERRIDE_KEYS, CheckId, Severity, weighted
from kube_devops.core.namespaces import (
    DEFAULT_SYSTEM_NAMESPACES,
    SystemNamespaces,
    is_system_namespace,
)


def test_check_table() -> None:
    table = {
        c.value: (CHECKS[c].weight, CHECKS[c].severity.value, CHECKS[c].admission_visible)
        for c in CheckId
    }
    assert table == {
        "latest_tag": (5, "high", True),
        "missing_liveness": (3, "medium", True),
        "missing_readiness": (2, "low", True),
        "high_restarts": (6, "critical", False),
        "pending": (4, "medium", False),
    }
    assert dict(OVERRIDE_KEYS) == {
        "latestTag": CheckId.LATEST_TAG,
        "missingLiveness": CheckId.MISSING_LIVENESS,
        "missingReadiness": CheckId.MISSING_READINESS,
        "highRestarts": CheckId.HIGH_RESTARTS,
        "pending": CheckId.PENDING,
    }


def test_weighted() -> None:
    assert weighted((1, 1, 1, 5, 1)) == 44
    assert weighted((2, 0, 3, 0, 1)) == 20


def test_severity_rank_and_parse() -> None:
    assert [s.rank for s in (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)] == [
        1,
        2,
        3,
        4,
    ]
    assert Severity.parse(" High ") is Severity.HIGH
    with pytest.raises(ValueError, match="use one of: critical, high, medium, low"):
        Severity.parse("urgent")


@pytest.mark.parametrize(
    ("ns", "system"),
    [
        ("kube-system", True), ("kube-flannel", True), ("kube-devops", True),
        ("longhorn-system", True),
        ("cert-manager", True), ("monitoring", True), ("observability", True), ("argocd", True),
        ("istio-system", True), ("default", False), ("production", False), ("kubernetes", False),
        ("my-monitoring", False),
    ],
)  # fmt: skip
def test_default_system_namespaces(ns: str, system: bool) -> None:
    assert is_system_namespace(ns) is system
    assert (ns in DEFAULT_SYSTEM_NAMESPACES) is system


def test_parse_patterns_round_trip() -> None:
    rules = SystemNamespaces.parse(["kube-*", "*-system", "argocd"])
    assert rules == SystemNamespaces(("kube-",), ("-system",), frozenset({"argocd"}))
    assert rules.patterns() == ["kube-*", "*-system", "argocd"]
    assert is_system_namespace("kube-devops", rules)
    assert not is_system_namespace("monitoring", rules)


@pytest.mark.parametrize("bad", ["*", "a*b", "*mid*", ""])
def test_bad_pattern(bad: str) -> None:
    with pytest.raises(ValueError, match="system namespace pattern"):
        SystemNamespaces.parse([bad])
