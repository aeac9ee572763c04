"""ClusterState: exact tallies per namespace, O(1) updates, pending limits crossing over time."""

from __future__ import annotations

from typing import Any

from kube_devops.components.watch.state import ClusterState

PROBES = {"livenessProbe": {"exec": {"command": ["true"]}}, "readinessProbe": {"httpGet": {}}}
NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def pod(
    name: str,
    namespace: str = "shop",
    image: str = "nginx:1.25",
    probes: bool = True,
    phase: str = "Running",
    created: str = "2023-11-14T22:00:00Z",
) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": image, **(PROBES if probes else {})}
    return {
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": created},
        "spec": {"containers": [container]},
        "status": {"phase": phase},
    }


def test_events_keep_exact_tallies_and_drop_empty_namespaces() -> None:
    seen: list[str] = []
    state = ClusterState(clock=lambda: NOW, on_event=seen.append)
    state.apply("ADDED", pod("a", image="nginx"))  # latest + nothing else: raw 5
    state.apply("ADDED", pod("b", probes=False))  # no probes: raw 3 + 2 = 5
    state.apply("ADDED", pod("c", namespace="blog"))  # clean: raw 0
    state.apply("ADDED", pod("dns", namespace="kube-system", image="coredns"))  # system
    state.apply("ADDED", pod("job", namespace="blog", phase="Succeeded", probes=False))
    assert sorted(state.pods) == ["blog/c", "shop/a", "shop/b"]
    assert (state.namespaces["shop"].pods, state.namespaces["shop"].raw) == (2, 10)
    assert state.namespaces["shop"].score == 95  # 100 - 10 // 2
    assert (state.cluster.pods, state.cluster.raw, state.cluster.score) == (3, 10, 97)

    state.apply("MODIFIED", pod("a"))  # fixed image: raw 0
    state.apply("DELETED", pod("c", namespace="blog"))
    assert "blog" not in state.namespaces
    assert (state.cluster.pods, state.cluster.raw, state.cluster.score) == (2, 5, 98)
    assert seen == ["ADDED"] * 5 + ["MODIFIED", "DELETED"]


def test_same_units_share_one_contribution() -> None:
    state = ClusterState(clock=lambda: NOW)
    state.resync([pod("a"), pod("b")])
    assert state.pods["shop/a"] is state.pods["shop/b"]


def test_resync_replaces_everything() -> None:
    state = ClusterState(clock=lambda: NOW)
    state.resync([pod("a", image="nginx"), pod("b", namespace="blog")])
    state.resync([pod("z", namespace="blog", probes=False)])
    assert list(state.pods) == ["blog/z"]
    assert list(state.namespaces) == ["blog"]
    assert (state.cluster.pods, state.cluster.raw) == (1, 5)


def test_pending_pod_counts_once_its_limit_passes_without_an_event() -> None:
    clock = {"now": NOW}
    state = ClusterState(clock=lambda: clock["now"])
    # Created 100 s before NOW: pending for 100 s, under the 300 s default limit.
    state.apply("ADDED", pod("p", phase="Pending", created="2023-11-14T22:11:40Z"))
    assert state.cluster.raw == 0
    assert state.expire_pending(NOW + 199) == 0
    assert state.expire_pending(NOW + 201) == 1  # 301 s pending: +1 unit, weight 4
    assert (state.cluster.raw, state.cluster.score) == (4, 96)
    assert state.expire_pending(NOW + 500) == 0


def test_pending_timer_is_void_after_the_pod_changed() -> None:
    state = ClusterState(clock=lambda: NOW)
    state.apply("ADDED", pod("p", phase="Pending", created="2023-11-14T22:11:40Z"))
    state.apply("MODIFIED", pod("p", phase="Running", created="2023-11-14T22:11:40Z"))
    assert state.expire_pending(NOW + 1000) == 0
    assert state.cluster.raw == 0
