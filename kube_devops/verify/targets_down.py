"""Which Prometheus scrape targets that are down feed a selector, and how to name them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kube_devops.core.catalog import BY_NAME
from kube_devops.core.promql import Selector

Target = dict[str, Any]


def down(targets: Sequence[Target]) -> list[Target]:
    """The targets whose last scrape failed."""
    return [t for t in targets if t.get("health") != "up"]


def feeding_series(series: Sequence[dict[str, str]], targets: Sequence[Target]) -> list[Target]:
    """Down targets whose ``job``/``instance`` pair appears on one of ``series``."""
    keys = {(s.get("job"), s.get("instance")) for s in series}
    return [t for t in down(targets) if (_label(t, "job"), _label(t, "instance")) in keys]


def all_from_down(series: Sequence[dict[str, str]], targets: Sequence[Target]) -> list[Target]:
    """The down targets behind ``series`` when every one of them comes from a down target;
    ``[]`` when any comes from a live target (or there is none)."""
    keys = {(s.get("job"), s.get("instance")) for s in series}
    if not keys:
        return []
    live = {(_label(t, "job"), _label(t, "instance")) for t in targets if t.get("health") == "up"}
    if keys & live:
        return []
    return feeding_series(series, targets)


def feeding_selector(selector: Selector, targets: Sequence[Target]) -> list[Target]:
    """Down targets that would give ``selector`` its series: the catalog's component for a
    metric of ours, or targets whose labels satisfy the selector's label matchers."""
    by_catalog = _component_targets(selector.metric, targets)
    if by_catalog:
        return by_catalog
    matchers = selector.label_matchers
    found: list[Target] = []
    for target in down(targets):
        labels = target.get("labels") or {}
        relevant = [m for m in matchers if m.name in labels]
        if relevant and all(m.matches(str(labels[m.name])) for m in relevant):
            found.append(target)
    return found


def describe(what: str, targets: Sequence[Target]) -> str:
    """``what comes from a target that is down: job=... instance=... (...) is down: error``."""
    return f"{what} comes from a target that is down: " + "; ".join(text(t) for t in targets)


def text(target: Target) -> str:
    """One target as a user reads it: job, instance, scrape URL, health and last error."""
    error = target.get("lastError") or "no error recorded"
    return (
        f"job={_label(target, 'job') or '?'} instance={_label(target, 'instance') or '?'} "
        f"({target.get('scrapeUrl', '')}) is {target.get('health', 'unknown')}: {error}"
    )


def _component_targets(metric: str, targets: Sequence[Target]) -> list[Target]:
    spec = BY_NAME.get(metric)
    if spec is None:
        return []
    component = spec.component.value
    return [
        t for t in down(targets) if any(component in str(v) for v in _labels(t).values())
    ]  # fmt: skip


def _labels(target: Target) -> dict[str, Any]:
    return dict(target.get("labels") or {})


def _label(target: Target, name: str) -> str | None:
    value = _labels(target).get(name)
    return None if value is None else str(value)
