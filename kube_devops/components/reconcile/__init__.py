"""The reconcile operator (port 9090): keeps every DevOpsPolicy's status true and enforces.

Public API: ``ReconcileSettings`` and ``run_reconcile(settings, *, stop=None, on_listening=None)
-> int``. Modules: ``settings``, ``run`` (assembly through ``runtime.run_component``, which also
gates the operator on leadership), ``metrics`` (typed collectors), ``operator`` (watches, timer,
worker), ``handlers`` (watch -> triggers), ``scheduler`` (due
times, debounce, backoff), ``cycle`` (one policy: evaluate, export, enforce, status),
``enforce`` (owners, plans, patches), ``finalizers`` and ``events`` (pure builders).
"""

from kube_devops.components.reconcile.run import run_reconcile
from kube_devops.components.reconcile.settings import ReconcileSettings

__all__ = ["ReconcileSettings", "run_reconcile"]
