"""The simulated Nodes and their heartbeat Leases as API objects, built by pure functions.

- ``node(name, kubelet_version, now)`` — a Node with capacity and allocatable, address
  ``127.0.0.1``, node info and a Ready condition;
- ``node_status(name, kubelet_version, now, since)`` — its ``status`` alone, for heartbeats
  (every condition's ``lastHeartbeatTime`` is ``now``, its ``lastTransitionTime`` ``since``);
- ``lease(name, node_uid, duration, now)`` — the Lease in ``kube-node-lease`` the kubelet renews
  (owned by the Node, so it goes when the Node goes).
"""

from __future__ import annotations

import datetime as dt

from kube_devops.core.bodies import JsonDict
from kube_devops.core.times import rfc3339

LEASE_NAMESPACE = "kube-node-lease"
NODE_IP = "127.0.0.1"
CAPACITY = {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "20Gi"}
ALLOCATABLE = {"cpu": "3800m", "memory": "7600Mi", "pods": "110", "ephemeral-storage": "18Gi"}

_CONDITIONS = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)


def node_labels(name: str) -> dict[str, str]:
    """The well-known labels a kubelet puts on its Node."""
    return {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": "simulated",
    }


def node(name: str, kubelet_version: str, now: dt.datetime) -> JsonDict:
    """A Ready Node named ``name``."""
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": node_labels(name)},
        "spec": {},
        "status": node_status(name, kubelet_version, now, now),
    }


def node_status(name: str, kubelet_version: str, now: dt.datetime, since: dt.datetime) -> JsonDict:
    """The Node's status with fresh heartbeats on every condition, unchanged since ``since``."""
    conditions = [
        {
            "type": kind,
            "status": value,
            "reason": reason,
            "message": message,
            "lastHeartbeatTime": rfc3339(now),
            "lastTransitionTime": rfc3339(since),
        }
        for kind, value, reason, message in _CONDITIONS
    ]
    return {
        "capacity": dict(CAPACITY),
        "allocatable": dict(ALLOCATABLE),
        "conditions": conditions,
        "addresses": [
            {"type": "InternalIP", "address": NODE_IP},
            {"type": "Hostname", "address": name},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": _node_info(name, kubelet_version),
    }


def _node_info(name: str, kubelet_version: str) -> JsonDict:
    return {
        "machineID": name,
        "systemUUID": name,
        "bootID": name,
        "kernelVersion": "simulated",
        "osImage": "kube-devops node simulator",
        "containerRuntimeVersion": "sim://1.0.0",
        "kubeletVersion": kubelet_version,
        "kubeProxyVersion": "",
        "operatingSystem": "linux",
        "architecture": "amd64",
    }


def lease(name: str, node_uid: str, duration: int, now: dt.datetime) -> JsonDict:
    """The node's heartbeat Lease, renewed ``now``."""
    owner = {"apiVersion": "v1", "kind": "Node", "name": name, "uid": node_uid}
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": LEASE_NAMESPACE, "ownerReferences": [owner]},
        "spec": {
            "holderIdentity": name,
            "leaseDurationSeconds": duration,
            "renewTime": rfc3339(now, digits=6),
        },
    }
