"""A malformed pod is skipped, counted and warned about once; the other pods are still scored."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from kube_devops.components.watch.state import ClusterState
from kube_devops.core.pod_shape import malformed_field
from tests.unit.runtime.test_watch_state import NOW, pod


def _bad(name: str, containers: Any = "string") -> dict[str, Any]:
    broken = pod(name)
    broken["spec"]["containers"] = containers
    return broken


def test_malformed_pod_is_skipped_counted_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skips: list[str] = []
    state = ClusterState(clock=lambda: NOW, on_skip=skips.append)
    with caplog.at_level(logging.WARNING):
        state.resync([pod("a", image="nginx"), _bad("broken"), pod("c", namespace="blog")])
    assert len(caplog.records) == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        state.apply("MODIFIED", _bad("broken"))
        state.apply("ADDED", pod("d", probes=False))  # raw 5, scored as ever
    assert sorted(state.pods) == ["blog/c", "shop/a", "shop/d"]
    assert (state.cluster.pods, state.cluster.raw) == (3, 10)  # a: 5, c: 0, d: 5
    assert skips == ["malformed", "malformed"]  # the list and the MODIFIED event
    assert state.skipped == {"shop/broken"}
    assert [r.getMessage() for r in caplog.records] == []  # warned at the list, not again
    with caplog.at_level(logging.WARNING):
        state.resync([_bad("broken"), pod("c", namespace="blog")])  # a relist after 410 Gone
    assert [r.getMessage() for r in caplog.records] == []  # still the same broken pod
    assert state.skipped == {"shop/broken"}
    state.apply("DELETED", _bad("broken"))
    assert state.skipped == set()


def test_the_warning_names_the_pod_and_the_field(caplog: pytest.LogCaptureFixture) -> None:
    state = ClusterState(clock=lambda: NOW)
    with caplog.at_level(logging.WARNING):
        state.apply("ADDED", _bad("broken"))
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.__dict__["pod"] == "shop/broken"
    assert record.__dict__["field"] == "spec.containers: expected a list, got str"


def test_a_scored_pod_turning_malformed_leaves_the_tallies_and_comes_back() -> None:
    state = ClusterState(clock=lambda: NOW)
    state.apply("ADDED", pod("a", image="nginx"))
    state.apply("MODIFIED", _bad("a", containers=[{"name": "x"}, "y"]))
    assert (state.pods, state.cluster.pods) == ({}, 0)
    state.apply("MODIFIED", pod("a", probes=False))
    assert (state.cluster.pods, state.cluster.raw, state.skipped) == (1, 5, set())


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        ({"spec": "x"}, "spec: expected a mapping, got str"),
        ({"spec": {"containers": {"a": 1}}}, "spec.containers: expected a list, got dict"),
        ({"spec": {"initContainers": [3]}}, "spec.initContainers[0]: expected a mapping, got int"),
        (
            {"status": {"containerStatuses": "no"}},
            "status.containerStatuses: expected a list, got str",
        ),
        ({"spec": {"containers": [{"name": "a"}]}}, ""),
    ],
)
def test_malformed_field_names_the_first_wrong_field(obj: dict[str, Any], field: str) -> None:
    assert malformed_field(obj) == field
