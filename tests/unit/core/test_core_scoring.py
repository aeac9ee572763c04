"""Score formula, classes, tallies and pooled summaries, with hand-computed numbers."""

from __future__ import annotations

import pytest

from kube_devops.core.check_table import PerCheck
from kube_devops.core.evaluation import PodResult
from kube_devops.core.scoring import Classification, Tally, classify, score, summarize


def _result(
    ns: str, name: str, units: tuple[int, int, int, int, int], *, scored: bool = True
) -> PodResult:
    return PodResult(ns, name, scored, PerCheck(*units), ())


@pytest.mark.parametrize(
    ("raw", "pods", "expected"),
    [
        (0, 0, 100),
        (50, 0, 100),
        (0, 3, 100),
        (44, 1, 56),
        (10, 3, 97),
        (200, 1, 0),
        (1000, 2, 0),
        (7, 2, 97),
    ],
)
def test_score(raw: int, pods: int, expected: int) -> None:
    assert score(raw, pods) == expected


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (100, Classification.HEALTHY), (80, Classification.HEALTHY), (79, Classification.STABLE),
        (60, Classification.STABLE), (59, Classification.DEGRADED), (40, Classification.DEGRADED),
        (39, Classification.CRITICAL), (0, Classification.CRITICAL),
    ],
)  # fmt: skip
def test_classify_boundaries(value: int, cls: Classification) -> None:
    assert classify(value) is cls


def test_tally_add_remove() -> None:
    tally = Tally()
    worst = _result("dev", "a", (1, 1, 1, 5, 1))  # raw 5+3+2+30+4 = 44
    fine = _result("dev", "b", (0, 0, 0, 0, 0))
    done = _result("dev", "c", (0, 0, 0, 0, 0), scored=False)
    for r in (worst, fine, done):
        tally.add(r)
    assert (tally.pods, tally.raw, tally.units) == (2, 44, [1, 1, 1, 5, 1])
    assert tally.score == 78  # 100 - 44 // 2
    assert tally.classification is Classification.STABLE
    assert tally.violations == {
        "latest_tag": 1, "missing_liveness": 1, "missing_readiness": 1, "high_restarts": 5,
        "pending": 1,
    }  # fmt: skip
    assert tally.total_violations == 9
    tally.remove(worst)
    assert (tally.pods, tally.raw, tally.units, tally.score) == (1, 0, [0, 0, 0, 0, 0], 100)


def test_cluster_score_is_pooled_not_a_mean_of_namespaces() -> None:
    results = [
        _result("a", "p1", (1, 1, 1, 0, 0)),  # raw 10
        _result("b", "p2", (0, 0, 0, 0, 0)),
        _result("b", "p3", (0, 0, 0, 0, 0)),
        _result("b", "p4", (0, 0, 0, 0, 0)),
        _result("c", "job", (0, 0, 0, 0, 0), scored=False),
    ]
    summary = summarize(results)
    assert list(summary.namespaces) == ["a", "b"]
    assert summary.namespaces["a"].score == 90
    assert summary.namespaces["b"].score == 100
    # pooled: 100 - 10 // 4 = 98 (a mean of namespaces would give 95)
    assert (summary.cluster.pods, summary.cluster.score) == (4, 98)


def test_summarize_nothing_scores_100() -> None:
    summary = summarize([])
    assert (summary.cluster.pods, summary.cluster.score, summary.namespaces) == (0, 100, {})
