"""The ``DevOpsPolicy`` spec model: validation, defaults, severities and serialisation.

``PolicySpec.from_dict`` accepts the camelCase ``spec`` of a ``DevOpsPolicy`` (reference §3.2 plus
``severityOverrides``) and raises ``PolicyError`` naming the object, the field and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kube_devops.core.check_table import PerCheck
from kube_devops.core.checks import CHECKS, OVERRIDE_KEYS, CheckId, Severity
from kube_devops.core.validation import Fields

_SPEC_KEYS = (
    "forbidLatestTag", "requireLivenessProbe", "requireReadinessProbe", "maxRestartCount",
    "forbidPendingDuration", "enforcementMode", "defaultProbe", "defaultResources",
    "severityOverrides",
)  # fmt: skip
_SEVERITIES = tuple(s.value for s in Severity)


class EnforcementMode(StrEnum):
    """audit: report only; enforce: remediate workloads and deny at admission."""

    AUDIT = "audit"
    ENFORCE = "enforce"


@dataclass(frozen=True, slots=True)
class ProbeDefaults:
    """``spec.defaultProbe``: the TCP probe injected in enforce mode."""

    tcp_port: int | None = None
    """Probe port; None means the container's first containerPort (no probe when it has none)."""
    initial_delay_seconds: int = 5
    """initialDelaySeconds of the injected probe."""
    period_seconds: int = 10
    """periodSeconds of the injected probe."""

    @classmethod
    def from_fields(cls, f: Fields) -> ProbeDefaults:
        f.reject_unknown(("tcpPort", "initialDelaySeconds", "periodSeconds"))
        delay = f.integer("initialDelaySeconds", minimum=0)
        period = f.integer("periodSeconds", minimum=1)
        return cls(
            f.integer("tcpPort", minimum=1, maximum=65535),
            5 if delay is None else delay,
            10 if period is None else period,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.tcp_port is None else {"tcpPort": self.tcp_port}
        out["initialDelaySeconds"] = self.initial_delay_seconds
        out["periodSeconds"] = self.period_seconds
        return out


@dataclass(frozen=True, slots=True)
class ResourceDefaults:
    """``spec.defaultResources``: requests/limits filled in (only missing keys) in enforce mode."""

    cpu_request: str = "100m"
    """Default ``requests.cpu``."""
    cpu_limit: str = "500m"
    """Default ``limits.cpu``."""
    memory_request: str = "128Mi"
    """Default ``requests.memory``."""
    memory_limit: str = "256Mi"
    """Default ``limits.memory``."""

    _KEYS = ("cpuRequest", "cpuLimit", "memoryRequest", "memoryLimit")

    @classmethod
    def from_fields(cls, f: Fields) -> ResourceDefaults:
        f.reject_unknown(cls._KEYS)
        base = cls()
        values = [f.quantity(k) or getattr(base, _snake(k)) for k in cls._KEYS]
        return cls(*values)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, _snake(k)) for k in self._KEYS}


@dataclass(frozen=True, slots=True)
class PolicySpec:
    """A validated ``DevOpsPolicy`` spec. An absent check field disables that check."""

    forbid_latest_tag: bool = False
    """Flag unpinned images (no tag, ``latest``)."""
    require_liveness_probe: bool = False
    """Require a liveness probe on every container and native sidecar."""
    require_readiness_probe: bool = False
    """Require a readiness probe on every container and native sidecar."""
    max_restart_count: int | None = None
    """Restart threshold (a count above it is a violation); None disables the check."""
    forbid_pending_duration: int | None = None
    """Seconds a pod may stay Pending; None disables the check."""
    enforcement_mode: EnforcementMode = EnforcementMode.AUDIT
    """audit or enforce."""
    default_probe: ProbeDefaults | None = None
    """Injected probe settings (enforce mode)."""
    default_resources: ResourceDefaults | None = None
    """When set, enforce mode fills missing resource keys."""
    severity_overrides: tuple[tuple[CheckId, Severity], ...] = ()
    """(check, severity) pairs replacing default severities."""
    severities: PerCheck[Severity] = field(init=False, repr=False, compare=False)
    """Effective severity per built-in check (derived)."""

    def __post_init__(self) -> None:
        overrides = dict(self.severity_overrides)
        sev: PerCheck[Severity] = PerCheck._make(
            overrides.get(c, CHECKS[c].severity) for c in CheckId
        )
        object.__setattr__(self, "severities", sev)

    @property
    def enabled(self) -> PerCheck[bool]:
        """Per built-in check: does this policy turn it on."""
        return PerCheck(
            latest_tag=self.forbid_latest_tag,
            missing_liveness=self.require_liveness_probe,
            missing_readiness=self.require_readiness_probe,
            high_restarts=self.max_restart_count is not None,
            pending=self.forbid_pending_duration is not None,
        )

    def enabled_checks(self) -> frozenset[CheckId]:
        """The checks this policy turns on."""
        return frozenset(c for c, on in zip(CheckId, self.enabled, strict=True) if on)

    def severity_of(self, check: CheckId) -> Severity:
        """Severity of ``check`` under this policy (override, else the check's default)."""
        severity: Severity = getattr(self.severities, check.value)
        return severity

    @classmethod
    def from_dict(cls, spec: object, *, where: str) -> PolicySpec:
        """Validate a camelCase spec; PolicyError names ``where``, the field path and the fix."""
        f = Fields({} if spec is None else spec, where=where, path="spec")
        f.reject_unknown(_SPEC_KEYS)
        probe = f.mapping("defaultProbe")
        resources = f.mapping("defaultResources")
        mode = f.choice("enforcementMode", tuple(m.value for m in EnforcementMode))
        return cls(
            forbid_latest_tag=f.boolean("forbidLatestTag"),
            require_liveness_probe=f.boolean("requireLivenessProbe"),
            require_readiness_probe=f.boolean("requireReadinessProbe"),
            max_restart_count=f.integer("maxRestartCount", minimum=0),
            forbid_pending_duration=f.integer("forbidPendingDuration", minimum=0),
            enforcement_mode=EnforcementMode(mode or "audit"),
            default_probe=None if probe is None else ProbeDefaults.from_fields(probe),
            default_resources=None
            if resources is None
            else ResourceDefaults.from_fields(resources),
            severity_overrides=_overrides(f.mapping("severityOverrides")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The camelCase spec (absent fields left out); ``from_dict`` of it gives an equal spec."""
        out: dict[str, Any] = {}
        for key, value in (
            ("forbidLatestTag", self.forbid_latest_tag),
            ("requireLivenessProbe", self.require_liveness_probe),
            ("requireReadinessProbe", self.require_readiness_probe),
        ):
            if value:
                out[key] = True
        if self.max_restart_count is not None:
            out["maxRestartCount"] = self.max_restart_count
        if self.forbid_pending_duration is not None:
            out["forbidPendingDuration"] = self.forbid_pending_duration
        out["enforcementMode"] = self.enforcement_mode.value
        if self.default_probe is not None:
            out["defaultProbe"] = self.default_probe.to_dict()
        if self.default_resources is not None:
            out["defaultResources"] = self.default_resources.to_dict()
        if self.severity_overrides:
            out["severityOverrides"] = {
                CHECKS[c].override_key: s.value for c, s in self.severity_overrides
            }
        return out


def _overrides(f: Fields | None) -> tuple[tuple[CheckId, Severity], ...]:
    if f is None:
        return ()
    f.reject_unknown(tuple(OVERRIDE_KEYS))
    pairs = []
    for key, check in OVERRIDE_KEYS.items():
        value = f.choice(key, _SEVERITIES)
        if value is not None:
            pairs.append((check, Severity(value)))
    return tuple(pairs)


def _snake(camel: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in camel)


#: Evaluation without a policy: all five checks, restart threshold 3, pending 300 s, audit.
DEFAULT_POLICY = PolicySpec(
    forbid_latest_tag=True,
    require_liveness_probe=True,
    require_readiness_probe=True,
    max_restart_count=3,
    forbid_pending_duration=300,
)


def spec_keys() -> tuple[str, ...]:
    """The camelCase spec field names, in schema order."""
    return _SPEC_KEYS
