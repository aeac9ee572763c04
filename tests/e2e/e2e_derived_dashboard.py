"""Dashboards broken on purpose, derived from the shipped one: a few real panels get one mistake
each (and a title naming it); every other panel stays as shipped and must still verify ok."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kube_devops.manifests.dashboard import dashboard_model


@dataclass(frozen=True)
class Breakage:
    """One mistake: in the panel titled ``panel``, replace ``old`` by ``new`` in the expression
    (and set the legend when ``legend`` is given); the panel is retitled ``title``."""

    title: str
    panel: str
    old: str
    new: str
    legend: str | None = None


#: With the sandbox's 1 s scrapes a window must be shorter than 2 s to be too short; 100ms holds
#: two samples only if one scrape is late by 900 ms and the next is on time, so the result stays
#: empty even on a loaded machine (500ms or 1s windows catch two scrapes whenever they jitter).
BREAKAGES = (
    Breakage("Misspelt metric", "Pods Tracked", "pods_tracked_total", "pods_trackd_total"),
    Breakage(
        "Wrong label value",
        "Namespace Health Scores",
        'namespace=~"$namespace"',
        'namespace="no-such-namespace"',
    ),
    Breakage(
        "Wrong label name",
        "Violations by Namespace",
        'namespace=~"$namespace"',
        'namespace_name="production"',
    ),
    Breakage("Window too short", "Pod Events Rate by Type", "[$__rate_interval]", "[100ms]"),
    Breakage("Legend label missing", "Reconcile Rate", "", "", legend="{{namespace}}"),
    Breakage(
        "Syntax error",
        "Policy Health Scores",
        '{namespace=~"$namespace"})',
        '{namespace=~"$namespace"}',
    ),
)


def derived_broken_dashboard() -> dict[str, Any]:
    """The shipped dashboard model with every breakage of ``BREAKAGES`` applied."""
    model = copy.deepcopy(dashboard_model())
    by_title = {p["title"]: p for p in model["panels"]}
    for breakage in BREAKAGES:
        panel = by_title[breakage.panel]
        (target,) = panel["targets"]
        assert breakage.old in target["expr"], f"{breakage.panel}: {target['expr']}"
        if breakage.old:
            target["expr"] = target["expr"].replace(breakage.old, breakage.new)
        if breakage.legend is not None:
            target["legendFormat"] = breakage.legend
        panel["title"] = breakage.title
    return model


def write_derived_broken_dashboard(directory: Path) -> Path:
    """Write the derived dashboard as JSON under ``directory`` and return its path."""
    path = directory / "derived_broken_dashboard.json"
    path.write_text(json.dumps(derived_broken_dashboard(), indent=2))
    return path
