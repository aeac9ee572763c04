"""Pod statuses the node simulator reports, compared field by field with what a kubelet sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kube_devops.sandbox.real import pod_status
from kube_devops.sandbox.real.node_objects import lease, node

T0 = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.UTC)
T5 = T0 + dt.timedelta(seconds=5)
T9 = T0 + dt.timedelta(seconds=9)


def pod() -> dict[str, Any]:
    """A pod with an init container, a native sidecar, a plain container and one whose
    readiness probe waits 4 s."""
    return {
        "metadata": {"name": "p", "namespace": "dev", "uid": "u-1"},
        "spec": {
            "initContainers": [
                {"name": "migrate", "image": "tool:1"},
                {"name": "shipper", "image": "fluent-bit:2", "restartPolicy": "Always"},
            ],
            "containers": [
                {"name": "app", "image": "nginx"},
                {"name": "slow", "image": "api:2", "readinessProbe": {"initialDelaySeconds": 4}},
            ],
        },
        "status": {"phase": "Pending", "qosClass": "BestEffort"},
    }


def by_name(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in entries}


def condition(status: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in status["conditions"] if c["type"] == kind)


def test_started_pod_runs_with_addresses_and_the_unprobed_container_ready_at_once() -> None:
    status = pod_status.started(pod(), "10.244.0.7", "127.0.0.1", T0)
    assert status["phase"] == "Running"
    assert (status["podIP"], status["hostIP"]) == ("10.244.0.7", "127.0.0.1")
    assert status["podIPs"] == [{"ip": "10.244.0.7"}]
    assert status["startTime"] == "2026-01-01T00:00:00Z"
    app, slow = by_name(status["containerStatuses"]).values()
    assert app["state"] == {"running": {"startedAt": "2026-01-01T00:00:00Z"}}
    assert (app["ready"], app["started"], app["restartCount"]) == (True, True, 0)
    assert app["image"] == "nginx"
    assert app["imageID"].startswith("nginx@sha256:")
    assert len(app["imageID"]) == len("nginx@sha256:") + 64
    assert slow["ready"] is False
    assert condition(status, "Ready")["status"] == "False"
    assert condition(status, "Ready")["message"] == "containers with unready status: [slow]"
    assert condition(status, "PodScheduled")["status"] == "True"
    assert condition(status, "Initialized")["status"] == "True"


def test_init_containers_complete_and_native_sidecars_keep_running() -> None:
    status = pod_status.started(pod(), "10.244.0.7", "127.0.0.1", T0)
    init = by_name(status["initContainerStatuses"])
    assert init["migrate"]["state"]["terminated"]["reason"] == "Completed"
    assert init["migrate"]["state"]["terminated"]["exitCode"] == 0
    assert init["shipper"]["state"] == {"running": {"startedAt": "2026-01-01T00:00:00Z"}}
    assert init["shipper"]["ready"] is True


def test_readiness_turns_true_once_the_probe_delay_is_over() -> None:
    started = {**pod(), "status": pod_status.started(pod(), "10.244.0.7", "127.0.0.1", T0)}
    early = pod_status.readiness_refreshed(started, T0 + dt.timedelta(seconds=3))
    assert by_name(early["containerStatuses"])["slow"]["ready"] is False
    late = pod_status.readiness_refreshed(started, T5)
    assert by_name(late["containerStatuses"])["slow"]["ready"] is True
    assert condition(late, "Ready")["status"] == "True"
    assert condition(late, "ContainersReady")["status"] == "True"


def test_each_crash_adds_one_restart_and_records_the_last_termination() -> None:
    running = {**pod(), "status": pod_status.started(pod(), "10.244.0.7", "127.0.0.1", T0)}
    once = {**running, "status": pod_status.crashed(running, T5)}
    twice = pod_status.crashed(once, T9)
    app = by_name(twice["containerStatuses"])["app"]
    assert app["restartCount"] == 2
    assert app["ready"] is False
    assert app["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert app["lastState"] == {
        "terminated": {
            "exitCode": 1,
            "reason": "Error",
            "startedAt": "2026-01-01T00:00:05Z",
            "finishedAt": "2026-01-01T00:00:09Z",
        }
    }
    assert twice["phase"] == "Running"
    assert condition(twice, "Ready")["message"] == "containers with unready status: [app slow]"


def test_finished_pods_report_their_exit_code() -> None:
    done = pod_status.finished(pod(), True, "10.244.0.8", "127.0.0.1", T5)
    failed = pod_status.finished(pod(), False, "10.244.0.9", "127.0.0.1", T5)
    assert (done["phase"], failed["phase"]) == ("Succeeded", "Failed")
    ok = by_name(done["containerStatuses"])["app"]["state"]["terminated"]
    bad = by_name(failed["containerStatuses"])["app"]["state"]["terminated"]
    assert (ok["exitCode"], ok["reason"]) == (0, "Completed")
    assert (bad["exitCode"], bad["reason"]) == (1, "Error")
    assert condition(done, "Ready")["reason"] == "PodCompleted"


def test_unschedulable_pods_stay_pending_with_the_reason() -> None:
    status = pod_status.unschedulable(pod(), "0/2 nodes are available: nope.")
    assert status == {
        "phase": "Pending",
        "conditions": [
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "Unschedulable",
                "message": "0/2 nodes are available: nope.",
                "lastTransitionTime": None,
            }
        ],
    }


def test_node_is_ready_on_loopback_and_its_lease_is_owned_by_it() -> None:
    body = node("sim-node-0", "v1.37.2", T0)
    ready = next(c for c in body["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("True", "KubeletReady")
    assert {"type": "InternalIP", "address": "127.0.0.1"} in body["status"]["addresses"]
    assert body["status"]["capacity"]["pods"] == "110"
    assert body["status"]["nodeInfo"]["kubeletVersion"] == "v1.37.2"
    renewed = lease("sim-node-0", "uid-9", 40, T5)
    assert renewed["metadata"]["namespace"] == "kube-node-lease"
    assert renewed["metadata"]["ownerReferences"][0]["uid"] == "uid-9"
    assert renewed["spec"] == {
        "holderIdentity": "sim-node-0",
        "leaseDurationSeconds": 40,
        "renewTime": "2026-01-01T00:00:05.000000Z",
    }
