"""The node simulator's decisions, case by case (``decision_cases.yaml`` beside this file), and
the behaviour annotation they read."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube_devops.sandbox.real.behaviour import Behaviour, behaviour_of
from kube_devops.sandbox.real.decisions import NodeView, Step, decide, feasible_nodes

CASES = yaml.safe_load((Path(__file__).parent / "decision_cases.yaml").read_text())
NODES = NodeView(
    labels={
        "sim-node-0": {"kubernetes.io/hostname": "sim-node-0", "disk": "ssd"},
        "sim-node-1": {"kubernetes.io/hostname": "sim-node-1"},
    },
    load={"sim-node-0": 2, "sim-node-1": 1},
)
NOW = dt.datetime(2026, 1, 1, 0, 0, 10, tzinfo=dt.UTC)


def plain_pod() -> dict[str, Any]:
    return {
        "metadata": {"name": "p", "namespace": "default", "uid": "u-1"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27.0"}]},
    }


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_decision(case: dict[str, Any]) -> None:
    pod = merged(plain_pod(), case["pod"])
    decision = decide(pod, behaviour_of(pod), NODES, NOW, crash_period=5.0)
    assert decision.step == Step(case["step"])
    assert decision.node == case.get("node")
    assert decision.recheck_in == case.get("recheck_in")


def test_there_are_cases_for_every_step() -> None:
    assert {Step(c["step"]) for c in CASES} == set(Step)


def test_ties_in_load_go_to_the_first_node_by_name() -> None:
    even = NodeView(NODES.labels, {"sim-node-0": 1, "sim-node-1": 1})
    assert feasible_nodes(plain_pod(), even) == ["sim-node-0", "sim-node-1"]


def test_behaviour_without_the_annotation_is_run() -> None:
    assert behaviour_of(plain_pod()) is Behaviour.RUN


def test_an_unknown_behaviour_names_the_pod_annotation_and_the_values_allowed() -> None:
    pod = merged(plain_pod(), {"metadata": {"annotations": {SIMULATE: "explode"}}})
    with pytest.raises(ValueError, match="explode") as caught:
        behaviour_of(pod)
    assert str(caught.value) == (
        "pod default/p: annotation sandbox.devops.stochastic.io/simulate='explode' is unknown; "
        "use one of: crash-loop, pending, succeed, fail"
    )


SIMULATE = "sandbox.devops.stochastic.io/simulate"
