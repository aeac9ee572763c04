"""A new check is one row in the table: a scratch sixth check scored through the product's paths."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from kube_devops.components.watch.state import ClusterState
from kube_devops.core.check_table import CHECK_TABLE, MEMO_LIMIT, CheckTable, PerCheck
from kube_devops.core.checks import CHECKS, Check, CheckId, Hit, Severity
from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.policy import PolicySpec
from kube_devops.core.scoring import summarize

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z
POLICY = PolicySpec(
    forbid_latest_tag=True,
    require_liveness_probe=True,
    require_readiness_probe=True,
    forbid_pending_duration=60,
)
PROBE = {"tcpSocket": {"port": 80}}


def _privileged(pod: Mapping[str, Any], now: float) -> Iterator[Hit]:
    for c in pod["spec"]["containers"]:
        if (c.get("securityContext") or {}).get("privileged"):
            yield Hit(c["name"], 1, "")


PRIVILEGED = Check(
    "privileged", 7, Severity.HIGH,
    "container {container}: privileged{detail}; drop securityContext.privileged",
    False, "privileged", _privileged,
)  # fmt: skip
SCRATCH = CheckTable((*CHECKS.values(), PRIVILEGED))


def _container(name: str, image: str, *, probes: bool, privileged: bool) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": image}
    if probes:
        c["livenessProbe"] = c["readinessProbe"] = PROBE
    if privileged:
        c["securityContext"] = {"privileged": True}
    return c


def _pod(ns: str, name: str, *containers: dict[str, Any], phase: str = "Running") -> dict[str, Any]:
    return {
        "metadata": {"namespace": ns, "name": name, "creationTimestamp": "2023-11-14T22:13:10Z"},
        "spec": {"containers": list(containers)},
        "status": {"phase": phase},
    }


POD_A = _pod("shop", "a", _container("web", "nginx:1.27.0", probes=True, privileged=True))
POD_B = _pod("shop", "b", _container("api", "nginx", probes=False, privileged=False))
POD_C = _pod(
    "ops",
    "c",
    _container("x", "redis:7", probes=True, privileged=True),
    _container("y", "redis:7", probes=True, privileged=True),
)
POD_D = _pod(
    "shop",
    "d",
    _container("w", "nginx:1.27.0", probes=True, privileged=True),
    phase="Pending",
)


def test_the_product_table_gives_named_units() -> None:
    result = evaluate_pod(POD_B, POLICY, now=NOW)
    assert result.units == PerCheck(1, 1, 1, 0, 0)
    assert (result.units.latest_tag, result.units.pending) == (1, 0)
    assert CHECK_TABLE.ids == (
        "latest_tag", "missing_liveness", "missing_readiness", "high_restarts", "pending",
    )  # fmt: skip
    assert CHECK_TABLE.weights == (5, 3, 2, 6, 4)


def test_a_sixth_check_is_detected_and_weighted() -> None:
    result = evaluate_pod(POD_C, POLICY, now=NOW, table=SCRATCH)
    assert tuple(result.units) == (0, 0, 0, 0, 0, 2)
    assert result.units._fields[-1] == "privileged"
    assert result.raw == 14
    assert [(f.check, f.container, f.severity, f.units) for f in result.findings] == [
        ("privileged", "x", Severity.HIGH, 1),
        ("privileged", "y", Severity.HIGH, 1),
    ]
    assert result.findings[0].message == "container x: privileged; drop securityContext.privileged"


def test_a_sixth_check_is_summarized() -> None:
    results = [evaluate_pod(p, POLICY, now=NOW, table=SCRATCH) for p in (POD_A, POD_B, POD_C)]
    summary = summarize(results, SCRATCH)
    cluster = summary.cluster
    assert (cluster.pods, cluster.raw, cluster.score, cluster.units) == (
        3,
        31,
        90,
        [1, 1, 1, 0, 0, 3],
    )
    assert cluster.violations == {
        "latest_tag": 1, "missing_liveness": 1, "missing_readiness": 1,
        "high_restarts": 0, "pending": 0, "privileged": 3,
    }  # fmt: skip
    shop, ops = summary.namespaces["shop"], summary.namespaces["ops"]
    assert (shop.pods, shop.raw, shop.score) == (2, 17, 92)
    assert (ops.pods, ops.raw, ops.score) == (1, 14, 86)


def test_a_sixth_check_in_the_watch_state() -> None:
    state = ClusterState(POLICY, clock=lambda: NOW, table=SCRATCH)
    state.resync([POD_A, POD_B, POD_C, POD_D])
    assert (state.cluster.pods, state.cluster.raw) == (4, 38)
    state.apply("DELETED", POD_A)
    assert (state.namespaces["shop"].pods, state.namespaces["shop"].raw) == (2, 17)
    assert state.expire_pending(NOW + 100) == 1
    assert tuple(state.pods["shop/d"].units) == (0, 0, 0, 0, 1, 1)
    assert (state.namespaces["shop"].raw, state.cluster.raw, state.cluster.units) == (
        21,
        35,
        [1, 1, 1, 0, 1, 3],
    )


def test_a_table_row_after_the_built_in_checks_needs_a_detector() -> None:
    lazy = Check("privileged", 7, Severity.HIGH, "privileged", False, "privileged")
    with pytest.raises(ValueError, match="check 'privileged' needs a detect function"):
        CheckTable((*CHECKS.values(), lazy))


def test_a_table_starts_with_the_built_in_checks() -> None:
    with pytest.raises(ValueError, match="starts with the built-in checks in CheckId order"):
        CheckTable((CHECKS[CheckId.PENDING], PRIVILEGED))


def test_pods_with_the_same_units_share_one_record() -> None:
    first = evaluate_pod(POD_B, POLICY, now=NOW)
    again = evaluate_pod(_pod("shop", "b2", POD_B["spec"]["containers"][0]), POLICY, now=NOW)
    assert first.units is again.units
    assert CHECK_TABLE.weighted(first.units) == 10
    assert CHECK_TABLE.weighted((0, 0, 0, 2, 1)) == 16


def test_the_record_memo_starts_over_when_full() -> None:
    table = CheckTable(tuple(CHECKS.values()))
    for i in range(MEMO_LIMIT):
        table.record((i, 0, 0, 0, 0))
    assert len(table.records) == MEMO_LIMIT
    record = table.record((0, 0, 0, 0, 7))
    assert (len(table.records), len(table.raws)) == (1, 1)
    assert (record.pending, table.weighted(record)) == (7, 28)
