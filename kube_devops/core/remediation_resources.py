"""Filling missing container resource keys from a policy's ``defaultResources`` (pure).

Only keys that are absent are added (``requests``/``limits`` x ``cpu``/``memory``); present keys
are never touched. A default that would contradict a present value — a limit below the existing
request, or a request above the existing limit — is not added: the API server would reject the
whole patch, so the key is reported with a reason instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Protocol

from kube_devops.core.bodies import PatchOp

#: (section, key, attribute of the policy's resource defaults)
RESOURCE_KEYS = (
    ("requests", "cpu", "cpu_request"),
    ("requests", "memory", "memory_request"),
    ("limits", "cpu", "cpu_limit"),
    ("limits", "memory", "memory_limit"),
)

_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|([numkMGTPE]|[KMGTPE]i)?)$")
_SUFFIX: Mapping[str, Fraction] = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}


class ResourceDefaultsLike(Protocol):
    """The four default values of a policy's ``defaultResources`` (None = not set)."""

    @property
    def cpu_request(self) -> str | None: ...
    @property
    def cpu_limit(self) -> str | None: ...
    @property
    def memory_request(self) -> str | None: ...
    @property
    def memory_limit(self) -> str | None: ...


def parse_quantity(text: str) -> Fraction:
    """A Kubernetes quantity (``100m``, ``128Mi``, ``1.5``, ``1e3``) as an exact number.

    Raises ``ValueError`` naming the bad text.
    """
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a Kubernetes quantity (e.g. 100m, 0.5, 128Mi, 1G)")
    number, exponent, suffix = match.groups()
    value = Fraction(number)
    if exponent:
        return value * Fraction(10) ** int(exponent[1:])
    return value * _SUFFIX[suffix or ""]


def resource_ops(
    base: str, present: Any, defaults: ResourceDefaultsLike
) -> tuple[list[tuple[PatchOp, tuple[str, ...]]], list[str]]:
    """JSON-patch adds for the missing keys of the container at ``base``, and skip reasons.

    ``present`` is the container's ``resources`` value as read (any type; non-dicts count as
    absent). Each add comes with the changes it makes, e.g. ``("resources.limits.cpu",)``.
    """
    current: Mapping[str, Any] = present if isinstance(present, dict) else {}
    wanted: dict[str, dict[str, str]] = {}
    reasons: list[str] = []
    for section, key, attr in RESOURCE_KEYS:
        value = getattr(defaults, attr)
        have = current.get(section)
        if value is None or (isinstance(have, dict) and key in have):
            continue
        reason = _contradiction(current, section, key, str(value))
        if reason is not None:
            reasons.append(reason)
        else:
            wanted.setdefault(section, {})[key] = str(value)
    return _adds(base, present if isinstance(present, dict) else None, wanted), reasons


def _adds(
    base: str, present: Mapping[str, Any] | None, wanted: Mapping[str, Mapping[str, str]]
) -> list[tuple[PatchOp, tuple[str, ...]]]:
    if not wanted:
        return []
    if present is None:
        whole = {section: dict(keys) for section, keys in wanted.items()}
        return [({"op": "add", "path": f"{base}/resources", "value": whole}, _changes(wanted))]
    result: list[tuple[PatchOp, tuple[str, ...]]] = []
    for section, keys in wanted.items():
        if not isinstance(present.get(section), dict):
            block: PatchOp = {
                "op": "add",
                "path": f"{base}/resources/{section}",
                "value": dict(keys),
            }
            result.append((block, _changes({section: keys})))
            continue
        for key, value in keys.items():
            op: PatchOp = {"op": "add", "path": f"{base}/resources/{section}/{key}", "value": value}
            result.append((op, (f"resources.{section}.{key}",)))
    return result


def _changes(wanted: Mapping[str, Mapping[str, str]]) -> tuple[str, ...]:
    return tuple(f"resources.{section}.{key}" for section, keys in wanted.items() for key in keys)


def _contradiction(present: Mapping[str, Any], section: str, key: str, value: str) -> str | None:
    """Why filling ``section.key`` with ``value`` would make the container invalid, or None."""
    other = "requests" if section == "limits" else "limits"
    block = present.get(other)
    existing = block.get(key) if isinstance(block, dict) else None
    if existing is None:
        return None
    try:
        mine, theirs = parse_quantity(value), parse_quantity(str(existing))
    except ValueError:
        return None
    if (section == "limits" and mine < theirs) or (section == "requests" and mine > theirs):
        return (
            f"default {section}.{key} {value} contradicts the existing {other}.{key} {existing}; "
            f"set {section}.{key} on the workload by hand"
        )
    return None
