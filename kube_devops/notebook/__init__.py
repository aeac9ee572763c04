"""Notebook support: what the notebooks call, above the verifier and the sandbox.

- ``session.StackSession`` — the verify_stack notebook's facade (start or reuse a sandbox, or a
  cluster; deploy; verify; write reports), one per kernel, stopped when the kernel exits
  (``exit_hooks``);
- ``deploy`` — server-side apply of every kube-devops manifest (cluster mode, ``verify --deploy``);
- ``governance``, ``governance_views`` — the governance report's tables, read from the cluster and
  scored with the core;
- ``explore``, ``explore_queries`` — metric exploration (rates, quantiles, did-you-mean);
- ``plots``, ``units``, ``report_html`` — figures that mirror the dashboard, units in words, and
  the HTML report (``kube-devops verify --html``).

pandas and matplotlib are used here and nowhere below (import-linter contract).
"""
