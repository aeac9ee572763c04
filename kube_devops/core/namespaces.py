"""Which namespaces are system namespaces, excluded from scoring and never enforced.

Rules (reference §2.5), configurable: a name prefix (``kube-``), a name suffix (``-system``) or an
exact name. The project's own namespace ``kube-devops`` is system by the ``kube-`` prefix rule.
Rules can be written as patterns: ``kube-*`` (prefix), ``*-system`` (suffix), ``argocd`` (exact).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

_MEMO_SIZE = 4096


@dataclass(frozen=True, slots=True)
class SystemNamespaces:
    """A set of system-namespace rules; supports ``namespace in rules``."""

    prefixes: tuple[str, ...] = ()
    """A namespace starting with one of these is system."""
    suffixes: tuple[str, ...] = ()
    """A namespace ending with one of these is system."""
    names: frozenset[str] = frozenset()
    """Exact system namespace names."""

    _memo: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)
    """Answers already computed (a cluster has few namespaces; bounded by ``_MEMO_SIZE``)."""

    def __contains__(self, namespace: object) -> bool:
        if not isinstance(namespace, str):
            return False
        hit = self._memo.get(namespace)
        if hit is None:
            hit = self._matches(namespace)
            if len(self._memo) < _MEMO_SIZE:
                self._memo[namespace] = hit
        return hit

    def _matches(self, namespace: str) -> bool:
        return (
            namespace in self.names
            or namespace.startswith(self.prefixes)
            or namespace.endswith(self.suffixes)
        )

    def rule_for(self, namespace: str) -> str | None:
        """The pattern that makes ``namespace`` a system namespace (``kube-*``), or ``None``."""
        if namespace in self.names:
            return namespace
        prefix = next((p for p in self.prefixes if namespace.startswith(p)), None)
        if prefix is not None:
            return f"{prefix}*"
        suffix = next((s for s in self.suffixes if namespace.endswith(s)), None)
        return None if suffix is None else f"*{suffix}"

    @classmethod
    def parse(cls, patterns: Iterable[str]) -> SystemNamespaces:
        """Rules from patterns ``kube-*``, ``*-system`` or exact names; ValueError on bad ones."""
        prefixes: list[str] = []
        suffixes: list[str] = []
        names: set[str] = set()
        for raw in patterns:
            pattern = raw.strip()
            core = pattern.strip("*")
            if not core or "*" in core:
                raise ValueError(
                    f"system namespace pattern {raw!r}: use 'prefix-*', '*-suffix' or an exact name"
                )
            if pattern.endswith("*") and not pattern.startswith("*"):
                prefixes.append(core)
            elif pattern.startswith("*") and not pattern.endswith("*"):
                suffixes.append(core)
            elif pattern == core:
                names.add(core)
            else:
                raise ValueError(f"system namespace pattern {raw!r}: only one '*' end is allowed")
        return cls(tuple(prefixes), tuple(suffixes), frozenset(names))

    def patterns(self) -> list[str]:
        """The rules written back as patterns (inverse of ``parse``)."""
        return (
            [f"{p}*" for p in self.prefixes] + [f"*{s}" for s in self.suffixes] + sorted(self.names)
        )


#: Reference §2.5 defaults.
DEFAULT_SYSTEM_NAMESPACES = SystemNamespaces(
    prefixes=("kube-",),
    suffixes=("-system",),
    names=frozenset({"cert-manager", "istio-system", "monitoring", "observability", "argocd"}),
)

#: No namespace is system (score everything).
NO_SYSTEM_NAMESPACES = SystemNamespaces()


def is_system_namespace(
    namespace: str, rules: SystemNamespaces = DEFAULT_SYSTEM_NAMESPACES
) -> bool:
    """True when ``namespace`` matches ``rules``."""
    return namespace in rules
