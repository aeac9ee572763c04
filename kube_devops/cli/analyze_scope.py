"""Which documents ``analyze`` scores, and what it saw of them.

Lists are opened into their items and ``-n`` keeps one namespace; a :class:`Tally` counts the
objects that pass (kinds, namespaces) while they stream by, for the ``excluded:`` lines and for
the one error line when there is nothing to score (no input, no score).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kube_devops.core.namespaces import SystemNamespaces
from kube_devops.core.objects import ObjectError, expand
from kube_devops.core.workloads import WORKLOAD_KINDS

if TYPE_CHECKING:
    from kube_devops.core.analysis import Analysis

Documents = Iterable[tuple[str, object]]
#: How the error lines name the live cluster as a source.
CLUSTER = "the cluster"


def flattened(docs: Documents) -> Iterator[tuple[str, object]]:
    """Lists opened into their items, so ``-n`` and the excluded namespaces see every object; a
    malformed document passes unchanged, for the analysis to report."""
    for where, doc in docs:
        try:
            items = list(expand(doc, where))
        except ObjectError:
            yield where, doc
            continue
        yield from items


def in_scope(doc: object, namespace: str | None) -> bool:
    """Whether ``doc`` belongs to ``namespace`` (every document when None)."""
    return namespace is None or _namespace_of(doc) in (namespace, None)


@dataclass
class Tally:
    """What passed through :meth:`track`: namespaces named and kinds of objects."""

    namespaces: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)

    def track(self, docs: Documents) -> Iterator[tuple[str, object]]:
        """``docs`` unchanged, counted on the way."""
        for where, doc in docs:
            if doc is not None:
                namespace = _namespace_of(doc)
                if namespace is not None:
                    self.namespaces.add(namespace)
                kind = doc.get("kind") if isinstance(doc, dict) else None
                self.kinds[kind if isinstance(kind, str) and kind else "(no kind)"] += 1
            yield where, doc

    def excluded(self, rules: SystemNamespaces) -> dict[str, str]:
        """Namespace -> why it was not scored, for every system namespace the objects name."""
        return {
            ns: f"system namespace (matches {rule!r}; change with --system-namespaces)"
            for ns in sorted(self.namespaces)
            if (rule := rules.rule_for(ns)) is not None
        }

    def nothing_to_score(self, analysis: Analysis, source: str, namespace: str | None) -> str:
        """Why ``analysis`` scored no pod, and what to pass instead."""
        if analysis.results:
            return (
                f"nothing to score: the {len(analysis.results)} pod(s) in {source} are all "
                "finished (Succeeded or Failed) or in system namespaces; pass running or pending "
                "pods, or change --system-namespaces"
            )
        if self.kinds:
            found = ", ".join(f"{n} {kind}" for kind, n in sorted(self.kinds.items()))
            return (
                f"nothing to score: no pod or workload in {source} (found {found}); pass "
                f"{', '.join(sorted(WORKLOAD_KINDS))} objects"
            )
        if namespace:
            return f"nothing to score: no object in namespace {namespace} in {source}; check -n"
        fix = "pass Pods or workloads" if source != CLUSTER else "check --kubeconfig/--context"
        return f"nothing to score: no object in {source}; {fix}"


def _namespace_of(doc: object) -> str | None:
    if not isinstance(doc, dict):
        return None
    meta = doc.get("metadata")
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    return namespace if isinstance(namespace, str) and namespace else "default"
