"""One reconcile of one ``DevOpsPolicy``: full evaluation, metrics, enforcement and status.

Never short-circuited on an unchanged generation: every call lists the pods of the policy's
namespace, evaluates them, sets the per-policy gauges, enforces when allowed and writes the whole
status through the status subresource. A policy governs its own namespace whichever it is
(system namespaces included: the policy is an explicit opt-in); protected namespaces are only
exempt from enforcement. A policy being deleted has its series removed and our
finalizer taken off (other finalizers stay). API failures propagate to the caller, which counts
them and retries with backoff.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kube_devops.core.bodies import PatchOp
from kube_devops.core.evaluation import evaluate_pod
from kube_devops.core.meta import Meta
from kube_devops.core.namespaces import NO_SYSTEM_NAMESPACES, SystemNamespaces
from kube_devops.core.pod_shape import split_malformed
from kube_devops.core.policy import EnforcementMode, Policy, PolicyError, PolicySpec, parse_policy
from kube_devops.core.policy_conditions import ConditionReason, failed_status
from kube_devops.core.policy_evaluation import PolicyEvaluation, assess
from kube_devops.core.policy_status import render_status
from kube_devops.core.remediation import enforcement_applies
from kube_devops.kube.client import KubeClient
from kube_devops.kube.errors import Invalid, NotFound
from kube_devops.kube.policies import json_patch_policy, patch_policy_status
from kube_devops.kube.resources import DEVOPSPOLICIES, PODS

from .enforce import Enforcer
from .finalizers import add_ops, remove_ops
from .metrics import ReconcileMetrics

log = logging.getLogger(__name__)

_OpsBuilder = Callable[[Mapping[str, Any]], list[PatchOp] | None]


@dataclass(frozen=True)
class PolicyReconciler:
    """Reconciles single policies; holds no per-policy state."""

    client: KubeClient
    metrics: ReconcileMetrics
    enforcer: Enforcer
    field_manager: str
    protected_namespaces: SystemNamespaces
    clock: Callable[[], float] = time.time

    async def reconcile(self, obj: Mapping[str, Any]) -> None:
        """Reconcile one policy object (as last seen by the watch); raises on API errors."""
        started = time.perf_counter()
        self.metrics.reconciles.inc()
        try:
            await self._reconcile(obj)
        except NotFound:
            # The policy vanished while we worked on it (deleted, finalizers gone): nothing to do.
            meta = Meta.of(obj)
            self.forget(meta.namespace, meta.name)
            log.info("policy gone during reconcile", extra={"policy": meta.name})
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.duration.observe(elapsed)

    def forget(self, namespace: str, name: str) -> None:
        """Remove the per-policy series of ``namespace/name`` (absent ones are ignored) and its
        standing patch refusals."""
        for gauge in self.metrics.per_policy:
            with contextlib.suppress(KeyError):
                gauge.remove(namespace, name)
        self.enforcer.forget(f"{namespace}/{name}")

    async def _reconcile(self, obj: Mapping[str, Any]) -> None:
        meta = Meta.of(obj)
        namespace, name = meta.namespace, meta.name
        if meta.deletion_timestamp:
            await self._finalize(obj, namespace, name)
            return
        await self._patch_finalizers(obj, add_ops)
        try:
            policy = parse_policy(obj)
        except PolicyError as err:
            self.forget(namespace, name)
            await self._write_failure(obj, namespace, name, str(err))
            raise
        await self._evaluate(policy, obj.get("status"))

    async def _evaluate(self, policy: Policy, previous: Any) -> None:
        listing = await self.client.list_all(PODS, policy.namespace)
        pods, skipped = split_malformed(listing.get("items") or [])
        if skipped:
            log.warning(
                "pods skipped: they cannot be scored", extra={"policy": policy.key, "pods": skipped}
            )
        now = self.clock()
        spec, every = policy.spec, NO_SYSTEM_NAMESPACES
        results = [evaluate_pod(pod, spec, now=now, namespaces=every) for pod in pods]
        scored = sum(1 for r in results if r.scored)
        self.metrics.pods_scanned.inc(scored)
        remediation = None
        if enforcement_applies(spec, policy.namespace, self.protected_namespaces):
            remediation = await self.enforcer.enforce(policy, pods, results, now=now)
        evaluation = assess(policy, results, now=now, remediation=remediation)
        status = render_status(evaluation, previous if isinstance(previous, dict) else None)
        self._export(evaluation)
        await patch_policy_status(
            self.client, policy.namespace, policy.name, status, self.field_manager
        )
        facts = {"score": evaluation.score, "violations": evaluation.violations, "pods": scored}
        log.info("policy evaluated", extra={"policy": policy.key, **facts})

    def _export(self, evaluation: PolicyEvaluation) -> None:
        policy = evaluation.policy
        labels = (policy.namespace, policy.name)
        self.metrics.violations.labels(*labels).set(evaluation.violations)
        self.metrics.health_score.labels(*labels).set(evaluation.score)
        enforce = policy.spec.enforcement_mode is EnforcementMode.ENFORCE
        self.metrics.enforcement_mode.labels(*labels).set(int(enforce))

    async def _finalize(self, obj: Mapping[str, Any], namespace: str, name: str) -> None:
        self.forget(namespace, name)
        if await self._patch_finalizers(obj, remove_ops):
            log.info("finalizer removed", extra={"policy": f"{namespace}/{name}"})

    async def _patch_finalizers(self, obj: Mapping[str, Any], build: _OpsBuilder) -> bool:
        """Apply ``build(obj)``; when its guard fails (``obj`` was stale) re-read and retry once."""
        meta = Meta.of(obj)
        namespace, name = meta.namespace, meta.name
        for attempt in range(2):
            ops = build(obj)
            if ops is None:
                return False
            try:
                await json_patch_policy(self.client, namespace, name, ops, self.field_manager)
                return True
            except Invalid:
                if attempt:
                    raise
                obj = await self.client.get(DEVOPSPOLICIES, name, namespace)
        return False

    async def _write_failure(
        self, obj: Mapping[str, Any], namespace: str, name: str, error: str
    ) -> None:
        generation = Meta.of(obj).generation
        stub = Policy(namespace, name, PolicySpec(), generation=generation)
        previous = obj.get("status")
        before = previous if isinstance(previous, dict) else None
        reason = ConditionReason.INVALID_SPEC
        status = failed_status(stub, error, now=self.clock(), previous=before, reason=reason)
        await patch_policy_status(self.client, namespace, name, status, self.field_manager)
