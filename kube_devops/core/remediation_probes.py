"""Adding a missing liveness / readiness probe to one container (pure).

A probe the policy requires and the container lacks is added as a TCP probe on a known port:
``defaultProbe.tcpPort``, else the container's first TCP ``containerPort``; with neither the
container is *not remediable* and the reason says so (no port is ever guessed). Readiness uses the
policy's delays; liveness starts ``LIVENESS_EXTRA_DELAY`` seconds later and tolerates
``LIVENESS_FAILURE_THRESHOLD`` failures, so a slow start marks the pod unready instead of
restarting it.

- ``probe_ops(workload, base, container, spec)`` — the ``add`` ops, the actions they make and the
  probes that cannot be added, for the container at JSON pointer ``base``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kube_devops.core.bodies import PatchOp
from kube_devops.core.checks import CheckId
from kube_devops.core.policy import PolicySpec
from kube_devops.core.remediation_model import Action, NotRemediable

#: Seconds the injected liveness probe waits beyond the readiness delay.
LIVENESS_EXTRA_DELAY = 10
#: failureThreshold of the injected liveness probe (readiness keeps the Kubernetes default, 3).
LIVENESS_FAILURE_THRESHOLD = 6

_NO_PORT = (
    "no port known for a TCP probe: set defaultProbe.tcpPort on the policy "
    "or declare a containerPort, or add the probe to the workload by hand"
)


def probe_ops(
    workload: str, base: str, container: Mapping[str, Any], spec: PolicySpec
) -> tuple[list[PatchOp], list[Action], list[NotRemediable]]:
    """The probes ``spec`` requires and ``container`` lacks: ops, actions, and those skipped.

    ``workload`` is the key reported in a ``NotRemediable``.
    """
    ops: list[PatchOp] = []
    actions: list[Action] = []
    skipped: list[NotRemediable] = []
    name = str(container["name"])
    for field, check in _missing_probes(container, spec):
        port = _probe_port(container, spec)
        if port is None:
            skipped.append(NotRemediable(workload, name, check, _NO_PORT))
            continue
        ops.append({"op": "add", "path": f"{base}/{field}", "value": _probe(field, port, spec)})
        actions.append(Action(name, field))
    return ops, actions, skipped


def _missing_probes(container: Mapping[str, Any], spec: PolicySpec) -> Iterator[tuple[str, str]]:
    enabled = spec.enabled_checks()
    if CheckId.MISSING_LIVENESS in enabled and not container.get("livenessProbe"):
        yield "livenessProbe", CheckId.MISSING_LIVENESS.value
    if CheckId.MISSING_READINESS in enabled and not container.get("readinessProbe"):
        yield "readinessProbe", CheckId.MISSING_READINESS.value


def _probe_port(container: Mapping[str, Any], spec: PolicySpec) -> int | None:
    if spec.default_probe is not None and spec.default_probe.tcp_port is not None:
        return spec.default_probe.tcp_port
    for port in container.get("ports") or []:
        number = port.get("containerPort") if isinstance(port, dict) else None
        if isinstance(number, int) and port.get("protocol", "TCP") == "TCP":
            return number
    return None


def _probe(field: str, port: int, spec: PolicySpec) -> dict[str, Any]:
    defaults = spec.default_probe
    delay = defaults.initial_delay_seconds if defaults is not None else 5
    period = defaults.period_seconds if defaults is not None else 10
    probe: dict[str, Any] = {"tcpSocket": {"port": port}, "periodSeconds": period}
    if field == "livenessProbe":
        probe["initialDelaySeconds"] = delay + LIVENESS_EXTRA_DELAY
        probe["failureThreshold"] = LIVENESS_FAILURE_THRESHOLD
    else:
        probe["initialDelaySeconds"] = delay
    return probe
